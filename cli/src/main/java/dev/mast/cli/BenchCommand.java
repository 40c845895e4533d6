package dev.mast.cli;

import dev.mast.bench.ForwardReport;
import dev.mast.bench.TrainReport;

import java.util.Arrays;
import java.util.List;

/**
 * {@code mast bench REPORT [OPTIONS]}: performance reports. Each report is a {@link Command} of its own in
 * {@link #REPORTS}; {@code forward} and {@code train} reports plug in the same way as {@code kernels}.
 */
public final class BenchCommand implements Command {
    private static final List<Command> REPORTS = List.of(
            new BenchKernelsCommand(),
            new BenchReportCommand("forward", "median forward latency of a MAST/AST model", """
                    Usage: mast bench forward [--model tiny|small|base|large|micro|micro16] [--frames N] [--batch N]
                                              [--threads N] [--stem 7|16] [--backend java|onednn] [--warmup N]
                                              [--warmup-seconds S] [--iterations N] [--json]

                    Median latency of one forward pass of a randomly initialised model (JSON field median_ms).
                    """, ForwardReport::run),
            new BenchReportCommand("train", "median training-step latency (forward + backward + AdamW)", """
                    Usage: mast bench train [--model tiny] [--batch N] [--frames N] [--threads N] [--stem 7|16]
                                            [--classes N] [--warmup N] [--warmup-seconds S] [--iterations N]
                                            [--json]

                    Median latency of one training step, forward + backward + AdamW (JSON field median_ms).
                    """, TrainReport::run),
            new BenchJmhCommand());

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "performance reports: kernels, forward, train, jmh";
    }

    @Override
    public String help() {
        StringBuilder sb = new StringBuilder("""
                Usage: mast bench REPORT [OPTIONS]

                Performance reports measured on this machine.

                Reports:
                """);
        for (Command r : REPORTS) sb.append(String.format("  %-10s %s%n", r.name(), r.summary()));
        for (Command r : REPORTS) sb.append('\n').append(r.help());
        return sb.toString();
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new UsageException(name(), "which report? one of " + names());
        Command report = REPORTS.stream().filter(r -> r.name().equals(args[0])).findFirst()
                .orElseThrow(() -> new UsageException(name(), "unknown report '" + args[0] + "', expected one of "
                        + names()));
        return report.run(Arrays.copyOfRange(args, 1, args.length));
    }

    private static String names() {
        return String.join(", ", REPORTS.stream().map(Command::name).toList());
    }
}
