package dev.mast.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the {@code mast} command line. Errors reach the user as one line on stderr and a non-zero exit
 * code: 2 for usage errors, 1 for bad input or failed operations. Set {@code MAST_DEBUG=1} to see stack traces.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(
            new FbankCommand(),
            new FbankStatsCommand(),
            new ForwardCommand(),
            new ImportCommand(),
            new ClassifyCommand(),
            new EmbedCommand(),
            new BenchCommand());

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    /** Runs a command line and returns its exit code (used by tests). */
    public static int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.print(usage());
            return argv.length == 0 ? 2 : 0;
        }
        Command cmd = COMMANDS.stream().filter(c -> c.name().equals(argv[0])).findFirst().orElse(null);
        if (cmd == null) {
            System.err.println("mast: unknown command '" + argv[0] + "' (see mast --help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help")) {
            System.out.print(cmd.help());
            return 0;
        }
        try {
            return cmd.run(rest);
        } catch (UsageException e) {
            System.err.println("mast " + e.command() + ": " + e.getMessage() + " (see mast " + e.command()
                    + " --help)");
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            debug(e);
            System.err.println("mast " + cmd.name() + ": " + oneLine(e));
            return 1;
        } catch (Exception | OutOfMemoryError e) {
            debug(e);
            System.err.println("mast " + cmd.name() + ": failed: " + oneLine(e));
            return 1;
        }
    }

    private static String oneLine(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        return m.replace('\n', ' ');
    }

    private static void debug(Throwable e) {
        if (System.getenv("MAST_DEBUG") != null) e.printStackTrace();
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("""
                Usage: mast COMMAND [OPTIONS]

                Multiscale Audio Spectrogram Transformers on the JVM.

                Commands:
                """);
        for (Command c : COMMANDS) sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
        sb.append("\nRun 'mast COMMAND --help' for a command's options.\n");
        return sb.toString();
    }
}
