package dev.mast.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** Dispatch and usage errors of {@code mast bench}; the reports themselves are measured, not unit-tested. */
class BenchCommandTest {
    private static String[] run(String... argv) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(argv);
            return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8),
                    e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void listedAndHelpful() {
        assertTrue(run("--help")[1].contains("bench"));
        String[] help = run("bench", "kernels", "--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("--quick") && help[1].contains("--json") && help[1].contains("--threads"), help[1]);
    }

    @Test
    void usageErrorsAreOneLine() {
        String[] none = run("bench");
        assertEquals("2", none[0]);
        assertTrue(none[2].contains("which report? one of kernels"), none[2]);
        String[] unknown = run("bench", "frobnicate");
        assertEquals("2", unknown[0]);
        assertTrue(unknown[2].contains("unknown report 'frobnicate'"), unknown[2]);
        String[] threads = run("bench", "kernels", "--threads", "zero");
        assertEquals("2", threads[0]);
        assertTrue(threads[2].contains("--threads expects an integer"), threads[2]);
        assertEquals(1, threads[2].strip().lines().count(), threads[2]);
        String[] flag = run("bench", "kernels", "--fast");
        assertEquals("2", flag[0]);
        assertTrue(flag[2].contains("unknown option --fast"), flag[2]);
    }
}
