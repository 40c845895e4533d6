package dev.mast.cli;

/** A command line that cannot be run as given; the CLI prints the message and a pointer to {@code --help}. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String command;

    public UsageException(String command, String message) {
        super(message);
        this.command = command;
    }

    /** The subcommand the error belongs to. */
    public String command() {
        return command;
    }
}
