package dev.mast.cli;

import java.util.function.ToIntFunction;

/** A {@code mast bench} report that parses its own arguments (the forward and training-step latency reports). */
final class BenchReportCommand implements Command {
    private final String name;
    private final String summary;
    private final String usage;
    private final ToIntFunction<String[]> report;

    BenchReportCommand(String name, String summary, String usage, ToIntFunction<String[]> report) {
        this.name = name;
        this.summary = summary;
        this.usage = usage;
        this.report = report;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String help() {
        return usage;
    }

    @Override
    public int run(String[] args) {
        return report.applyAsInt(args);
    }
}
