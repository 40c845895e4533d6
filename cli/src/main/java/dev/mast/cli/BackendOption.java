package dev.mast.cli;

import dev.mast.model.backend.Backends;

/** {@code --backend java|onednn}, shared by every command that runs a model. */
final class BackendOption {
    /** The option's help line, aligned with the commands' other options. */
    static final String HELP = "java or onednn (default: onednn when it loads, else java with a notice)";

    private BackendOption() {}

    /** The backend asked for, or null for the default choice ({@link Backends}). */
    static String parse(Args args, String command) {
        if (!args.has("backend")) return null;
        try {
            return Backends.checkName(args.get("backend"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(command, "--backend: " + e.getMessage());
        }
    }
}
