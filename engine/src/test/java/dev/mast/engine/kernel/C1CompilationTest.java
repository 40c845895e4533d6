package dev.mast.engine.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every kernel method must compile with C1 (tier 3). When a Vector API method is too large for C1 ("out of virtual
 * registers"), tiered compilation can leave it in C1's tier-2 code while C2 is busy, where vector operations are not
 * intrinsified: 100× slower for the rest of the run (seen with a 12×32 GEMM micro-kernel and an unsplit epilogue
 * on a loaded two-core machine). This runs {@link KernelWorkout} in a JVM limited to C1 and fails on any bailout.
 */
class C1CompilationTest {
    @Test
    void everyKernelMethodCompilesWithC1() throws IOException, InterruptedException, URISyntaxException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=3", "-XX:+PrintCompilation"));
        String bits = System.getProperty("mast.gemm.vectorBits");
        if (bits != null) cmd.add("-Dmast.gemm.vectorBits=" + bits);
        cmd.addAll(List.of("-cp", location(KernelWorkout.class) + java.io.File.pathSeparator + location(Sgemm.class),
                KernelWorkout.class.getName(), "300"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> bailouts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (var lines = p.inputReader().lines()) {
            lines.forEach(line -> {
                if (line.contains("dev.mast.") && line.contains("COMPILE SKIPPED")) bailouts.add(line.strip());
                if (line.startsWith("Exception") || line.startsWith("\tat dev.mast")) problems.add(line);
            });
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "workout did not finish");
        assertEquals(0, p.exitValue(), "workout failed:\n" + String.join("\n", problems));
        assertEquals(List.of(), bailouts, "methods C1 cannot compile (split them)");
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
