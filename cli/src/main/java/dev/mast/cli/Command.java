package dev.mast.cli;

/** One {@code mast} subcommand. */
public interface Command {
    /** The word that selects it, e.g. {@code fbank}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    /** Runs the command; returns the process exit code. */
    int run(String[] args) throws Exception;
}
