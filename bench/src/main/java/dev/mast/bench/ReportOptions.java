package dev.mast.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The command line of a latency report ({@code mast bench forward}, {@code mast bench train}): options
 * {@code --key value} or {@code --key=value}, each with a default, some taking integers, plus {@code --json} and
 * {@code --help}. A bad command line becomes one line on stderr naming the report and exit code 2.
 */
final class ReportOptions {
    private final String command;
    private final Map<String, String> values;
    private final Map<String, Integer> integers = new HashMap<>();
    private boolean json;

    private ReportOptions(String command, Map<String, String> defaults) {
        this.command = command;
        this.values = new HashMap<>(defaults);
    }

    /**
     * Reads {@code args} and runs {@code report} with the options they give; the first problem in argument order
     * ends it instead, and so does {@code --help}, which prints {@code usage}.
     *
     * @param command     the report's command, e.g. "mast bench forward": usage errors start with it
     * @param usage       the line {@code --help} prints
     * @param defaults    every option's name (without "--") and default value
     * @param integerKeys the options that take integers, in the order a usage error lists them
     * @return the report's exit code; 0 after {@code --help}; 2 after a usage error
     */
    static int run(String command, String usage, Map<String, String> defaults, List<String> integerKeys,
                   String[] args, ToIntFunction<ReportOptions> report) {
        ReportOptions opts = new ReportOptions(command, defaults);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                opts.json = true;
            } else if (a.equals("--help")) {
                System.out.println(usage);
                return 0;
            } else if (a.startsWith("--") && defaults.containsKey(a.substring(2).split("=", 2)[0])) {
                String key = a.substring(2), value;
                if (key.contains("=")) {
                    value = key.substring(key.indexOf('=') + 1);
                    key = key.substring(0, key.indexOf('='));
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    return opts.usage("--" + key + " needs a value");
                }
                opts.values.put(key, value);
            } else {
                return opts.usage("unknown argument '" + a + "'");
            }
        }
        try {
            for (String key : integerKeys) opts.integers.put(key, Integer.parseInt(opts.values.get(key)));
        } catch (NumberFormatException e) {
            return opts.usage(listed(integerKeys) + " take integers");
        }
        return report.applyAsInt(opts);
    }

    /** "--a, --b and --c". */
    private static String listed(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) sb.append(i == keys.size() - 1 ? " and " : ", ");
            sb.append("--").append(keys.get(i));
        }
        return sb.toString();
    }

    /** The value of option {@code key} (its default when not given). */
    String get(String key) {
        return values.get(key);
    }

    /** The value of {@code key}, one of the integer options. */
    int integer(String key) {
        return integers.get(key);
    }

    /** Whether {@code --json} was given. */
    boolean json() {
        return json;
    }

    /** Prints the usage error {@code problem} as one line on stderr; returns the exit code 2. */
    int usage(String problem) {
        System.err.println(command + ": " + problem + " (see " + command + " --help)");
        return 2;
    }
}
