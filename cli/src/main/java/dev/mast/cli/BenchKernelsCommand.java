package dev.mast.cli;

import dev.mast.bench.KernelReport;

/** {@code mast bench kernels}: GFLOPS of every engine kernel at MAST shapes, against the FMA peak and OpenBLAS. */
final class BenchKernelsCommand implements Command {
    @Override
    public String name() {
        return "kernels";
    }

    @Override
    public String summary() {
        return "GFLOPS of every kernel at MAST shapes, vs. the FMA peak and OpenBLAS";
    }

    @Override
    public String help() {
        return """
                Usage: mast bench kernels [--quick] [--json] [--threads N]

                Times every engine kernel at the shapes MAST uses (median of repeated runs after a warm-up) and
                prints kernel, shape, threads, GFLOPS, share of this machine's measured FMA peak, and for the
                matrix products the ratio to OpenBLAS's cblas_sgemm measured in the same run.

                Options:
                  --quick        shorter warm-ups and runs: the whole report in under a minute
                  --json         one JSON object per row (kernel, shape, threads, gflops, ratio_openblas, ...)
                  --threads N    measure on N threads only (default: 1 and 2)
                """;
    }

    @Override
    public int run(String[] argv) {
        Args args = new Args("bench kernels").flags("quick", "json").values("threads").parse(argv);
        if (!args.positional().isEmpty()) {
            throw new UsageException("bench kernels", "unexpected argument '" + args.positional().get(0) + "'");
        }
        int[] threads = {1, 2};
        if (args.has("threads")) {
            int n = args.getInt("threads", 1);
            if (n < 1 || n > 1024) throw new UsageException("bench kernels", "--threads must be 1 to 1024, got " + n);
            threads = new int[] {n};
        }
        KernelReport.run(new KernelReport.Options(args.has("quick"), args.has("json"), threads), System.out);
        return 0;
    }
}
