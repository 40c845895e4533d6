package dev.mast.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GNU-style argument parsing: {@code --name value}, {@code --name=value}, boolean {@code --flag}, and positional
 * arguments; {@code --} ends options. Each command declares its options, so an unknown one is a usage error.
 */
public final class Args {
    private final String command;
    private final Set<String> valueOptions = new HashSet<>();
    private final Set<String> flagOptions = new HashSet<>();
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positional = new ArrayList<>();

    /** @param command the subcommand name, used in error messages */
    public Args(String command) {
        this.command = command;
        flagOptions.add("help");
    }

    /** Declares options that take a value. */
    public Args values(String... names) {
        valueOptions.addAll(List.of(names));
        return this;
    }

    /** Declares boolean flags. */
    public Args flags(String... names) {
        flagOptions.addAll(List.of(names));
        return this;
    }

    /** Parses {@code argv}; throws {@link UsageException} on an unknown option or a missing value. */
    public Args parse(String[] argv) {
        boolean optionsDone = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (optionsDone || !a.startsWith("--") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsDone = true;
                continue;
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (valueOptions.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= argv.length) throw new UsageException(command, "--" + name + " needs a value");
                    inline = argv[++i];
                }
                values.put(name, inline);
            } else if (flagOptions.contains(name)) {
                if (inline != null) throw new UsageException(command, "--" + name + " takes no value");
                flags.add(name);
            } else {
                throw new UsageException(command, "unknown option --" + name);
            }
        }
        return this;
    }

    public boolean has(String flag) {
        return flags.contains(flag) || values.containsKey(flag);
    }

    public String get(String name) {
        return values.get(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The value of a required option. */
    public String require(String name) {
        String v = values.get(name);
        if (v == null) throw new UsageException(command, "--" + name + " is required");
        return v;
    }

    public int getInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(command, "--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public double getDouble(String name, double fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(command, "--" + name + " expects a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }
}
