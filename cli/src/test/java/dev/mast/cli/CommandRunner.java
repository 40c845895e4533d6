package dev.mast.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** Test helper: runs a command in-process with stdout and stderr captured. */
final class CommandRunner {
    /** Exit code and captured output of one run. */
    record Result(int code, String out, String err) {}

    private CommandRunner() {}

    static Result run(Command cmd, String... args) {
        return capture(() -> Main.run(cmd, args));
    }

    /** Runs a whole command line, {@code mast argv...}, as {@link Main} dispatches it. */
    static Result run(String... argv) {
        return capture(() -> Main.run(argv));
    }

    private static Result capture(IntSupplier command) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = command.getAsInt();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
