package dev.mast.bench;

import dev.mast.engine.kernel.Conv2dStem;
import dev.mast.engine.kernel.DepthwiseConv3x3;
import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.Gelu;
import dev.mast.engine.kernel.LayerNorm;
import dev.mast.engine.kernel.MaxPool3x3;
import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.kernel.PackedLinear;
import dev.mast.engine.kernel.Pool3x3;
import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.kernel.Softmax;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.nativelib.NativeUnavailableException;
import dev.mast.nativelib.OpenBlas;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kernel report of {@code mast bench kernels}: every kernel of {@code dev.mast.engine.kernel} at MAST shapes,
 * with GFLOPS, the share of this machine's measured FMA peak ({@link FmaPeak}, per core × threads) and, for the
 * matrix products, the ratio to OpenBLAS's {@code cblas_sgemm} measured in the same run on the same thread count.
 *
 * <p>Two passes: first every case runs for a while on every thread count, so that all the code it reaches is
 * compiled by C2 (on a busy machine C2 lags by seconds, and Vector API code is far slower before it); then each is
 * timed ({@link Stopwatch}: median of repeated batches after a warm-up).
 *
 * <p>FLOPs per call: matrix products 2·m·n·k. The other kernels count the arithmetic of their formula per element:
 * residual add 1; GELU 5 (scale, erf, add, two multiplies; erf counted as one); LayerNorm 8 (mean, variance,
 * normalise, affine); softmax 5 (max, subtract, exp, sum, scale); depthwise 3×3 18 per output; max-pool 3×3 8
 * comparisons per output; conv stem 2·kh·kw per output channel; mean 1 per input. They are memory-bound: read
 * their GB/s column (floats read and written once).
 */
public final class KernelReport {
    /**
     * @param quick   keep the whole run under a minute (shorter warm-ups and batches)
     * @param json    one JSON object per row instead of a table
     * @param threads thread counts to measure
     */
    public record Options(boolean quick, boolean json, int[] threads) {}

    /** Work on a given pool. */
    private interface Op {
        void run(EnginePool pool);
    }

    /**
     * One row per thread count: {@code ours} timed against {@code blas} (null: no baseline) with {@code flops}
     * and {@code floats} (read + written) per call.
     */
    private record Case(String kernel, String shape, String where, double flops, double floats, Op ours, Runnable blas) {}

    private final Options options;
    private final PrintStream out;
    private final Stopwatch stopwatch;
    private final long compileNanos;
    private final OpenBlas blas;
    private final String blasMissing;
    private double peakPerCore;

    private KernelReport(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.stopwatch = options.quick()
                ? new Stopwatch(30_000_000L, 5, 20_000_000L)
                : new Stopwatch(400_000_000L, 11, 150_000_000L);
        this.compileNanos = options.quick() ? 50_000_000L : 300_000_000L;
        OpenBlas loaded = null;
        String missing = null;
        try {
            loaded = OpenBlas.load();
        } catch (NativeUnavailableException e) {
            missing = e.getMessage();
        }
        this.blas = loaded;
        this.blasMissing = missing;
    }

    /** Measures every row and prints it as it comes. */
    public static void run(Options options, PrintStream out) {
        new KernelReport(options, out).run();
    }

    private void run() {
        if (!options.json()) {
            out.printf(Locale.ROOT, "MAST kernel report: Vector API %d-bit floats, %d cores, %s%n",
                    FmaPeak.vectorBits(), Runtime.getRuntime().availableProcessors(),
                    blas != null ? "OpenBLAS " + blas.path() + " (" + blas.coreName() + " kernels)"
                            : "no OpenBLAS baseline: " + blasMissing);
            out.printf(Locale.ROOT, "%-11s %-15s %-26s %7s %8s %6s %8s %9s %8s%n", "kernel", "shape", "where",
                    "threads", "GFLOPS", "%peak", "GB/s", "BLAS GF", "ratio");
        }
        int[] threadCounts = options.threads();
        EnginePool[] pools = new EnginePool[threadCounts.length];
        for (int i = 0; i < pools.length; i++) pools[i] = new EnginePool(threadCounts[i]);
        try (TensorArena arena = new TensorArena(); Workspace ws = new Workspace()) {
            List<Case> cases = cases(arena, ws);
            for (Case c : cases) {
                for (EnginePool pool : pools) runFor(c.ours(), pool, compileNanos);
            }
            try (EnginePool single = new EnginePool(1)) {
                peakPerCore = FmaPeak.gflops(single, stopwatch);
            }
            for (EnginePool pool : pools) {
                double peak = pool.threads() == 1 ? peakPerCore : FmaPeak.gflops(pool, stopwatch);
                emit("fma-peak", FmaPeak.CHAINS + " chains", FmaPeak.vectorBits() + "-bit FMA", pool.threads(),
                        peak, Double.NaN, Double.NaN, false);
                if (!options.json() && pool.threads() > 1 && peak < 0.9 * pool.threads() * peakPerCore) {
                    out.printf(Locale.ROOT, "(note: %d threads reach only %.1f cores' FMA peak: other processes are"
                            + " using the cores, so the %d-thread rows understate)%n", pool.threads(),
                            peak / peakPerCore, pool.threads());
                }
            }
            for (Case c : cases) {
                for (EnginePool pool : pools) measure(c, pool);
            }
        } finally {
            for (EnginePool pool : pools) pool.close();
            if (blas != null) blas.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    private static void runFor(Op op, EnginePool pool, long nanos) {
        long start = System.nanoTime();
        do {
            op.run(pool);
        } while (System.nanoTime() - start < nanos);
    }

    private void measure(Case c, EnginePool pool) {
        double seconds = stopwatch.secondsPerCall(() -> c.ours().run(pool));
        double blasGflops = Double.NaN;
        if (c.blas() != null && blas != null) {
            blas.setThreads(pool.threads());
            blasGflops = c.flops() / stopwatch.secondsPerCall(c.blas()) * 1e-9;
        }
        emit(c.kernel(), c.shape(), c.where(), pool.threads(), c.flops() / seconds * 1e-9, blasGflops,
                c.floats() * Float.BYTES / seconds, c.blas() != null);
    }

    /** Every row of the report, with its data allocated in {@code arena}. */
    private List<Case> cases(TensorArena arena, Workspace ws) {
        List<Case> cases = new ArrayList<>();
        long seed = 1;
        for (MastShapes.Gemm g : MastShapes.LINEAR) {
            Tensor x = RandomTensors.allocate(arena, seed++, g.m(), g.k());
            Tensor w = RandomTensors.allocate(arena, seed++, g.n(), g.k());
            Tensor bias = RandomTensors.allocate(arena, seed++, g.n()), y = arena.allocate(g.m(), g.n());
            PackedLinear layer = new PackedLinear(w, bias, arena.arena());
            Tensor wt = w.transpose(0, 1);
            cases.add(new Case("linear", g.shape(), g.layer(), g.flops(),
                    (double) g.m() * g.k() + (double) g.n() * g.k() + (double) g.m() * g.n(),
                    pool -> layer.forward(pool, x, y, Epilogue.NONE),
                    () -> blas.sgemm(x, wt, y, 1f, 0f)));
        }
        for (MastShapes.Gemm g : MastShapes.LINEAR.subList(MastShapes.LINEAR.size() - 2, MastShapes.LINEAR.size())) {
            Tensor a = RandomTensors.allocate(arena, seed++, g.m(), g.k());
            Tensor b = RandomTensors.allocate(arena, seed++, g.k(), g.n()), c = arena.allocate(g.m(), g.n());
            cases.add(new Case("sgemm", g.shape(), "a·b, both packed per call", g.flops(),
                    (double) g.m() * g.k() + (double) g.k() * g.n() + (double) g.m() * g.n(),
                    pool -> Sgemm.matmul(pool, a, b, c), () -> blas.sgemm(a, b, c, 1f, 0f)));
        }
        for (MastShapes.Attention at : MastShapes.ATTENTION) attentionCases(arena, at, seed++, cases);
        kernelCases(arena, ws, cases);
        return cases;
    }

    /** scale·Q·Kᵀ and P·V batched over heads, with Q, K, V strided views of one QKV projection as in the model. */
    private void attentionCases(TensorArena arena, MastShapes.Attention at, long seed, List<Case> cases) {
        int h = at.heads(), nq = at.queries(), nk = at.keys(), hd = at.headWidth();
        Tensor q = RandomTensors.allocate(arena, seed, nq, 3, h, hd).select(1, 0).permute(1, 0, 2);
        Tensor kv = RandomTensors.allocate(arena, seed + 1, nk, 2, h, hd);
        Tensor k = kv.select(1, 0).permute(1, 0, 2), v = kv.select(1, 1).permute(1, 0, 2);
        Tensor kt = k.transpose(-2, -1);
        Tensor scores = arena.allocate(h, nq, nk), z = arena.allocate(h, nq, hd);
        float scale = (float) (1 / Math.sqrt(hd));
        double flops = 2.0 * h * nq * nk * hd;
        String where = at.layer() + ", " + h + (h == 1 ? " head" : " heads");
        cases.add(new Case("q·kᵀ", h + "x" + nq + "x" + hd + "x" + nk, where, flops,
                (double) h * (nq * hd + nk * hd + nq * nk),
                pool -> Sgemm.matmul(pool, q, kt, scores, scale, false),
                () -> {
                    for (int i = 0; i < h; i++) {
                        blas.sgemm(q.select(0, i), k.select(0, i).transpose(0, 1), scores.select(0, i), scale, 0f);
                    }
                }));
        cases.add(new Case("p·v", h + "x" + nq + "x" + nk + "x" + hd, where, flops,
                (double) h * (nq * nk + nk * hd + nq * hd),
                pool -> Sgemm.matmul(pool, scores, v, z),
                () -> {
                    for (int i = 0; i < h; i++) blas.sgemm(scores.select(0, i), v.select(0, i), z.select(0, i), 1f, 0f);
                }));
    }

    /** The other kernels at MAST shapes of a 10.24 s clip (T = 1024: 12×101 stage-0 grid, 96 channels). */
    private static void kernelCases(TensorArena arena, Workspace ws, List<Case> cases) {
        Tensor h1 = RandomTensors.allocate(arena, 101, 1212, 384), h2 = arena.allocate(1212, 384);
        cases.add(new Case("gelu", "1212x384", "s0 fc1 output", 5.0 * 1212 * 384, 2.0 * 1212 * 384,
                pool -> Gelu.forward(pool, h1, h2), null));

        Tensor a = RandomTensors.allocate(arena, 102, 1212, 96), b = RandomTensors.allocate(arena, 103, 1212, 96);
        Tensor sum = arena.allocate(1212, 96);
        cases.add(new Case("add", "1212x96", "s0 residual", 1212 * 96, 3.0 * 1212 * 96,
                pool -> ResidualAdd.forward(pool, a, b, sum), null));

        Tensor gamma = RandomTensors.allocate(arena, 104, 96), beta = RandomTensors.allocate(arena, 105, 96);
        Tensor normed = arena.allocate(1212, 96);
        cases.add(new Case("layernorm", "1212x96", "s0 norm1/norm2", 8.0 * 1212 * 96, 2.0 * 1212 * 96,
                pool -> LayerNorm.forward(pool, a, gamma, beta, 1e-6f, normed), null));

        Tensor scores = RandomTensors.allocate(arena, 106, 1, 1, 1212, 78), probs = arena.allocate(1, 1, 1212, 78);
        cases.add(new Case("softmax", "1212x78", "s0 attention, 1 head", 5.0 * 1212 * 78, 2.0 * 1212 * 78,
                pool -> Softmax.forward(pool, scores, probs), null));

        Tensor grid = RandomTensors.allocate(arena, 107, 1, 12, 101, 96);
        Tensor dw = RandomTensors.allocate(arena, 108, 96, 1, 3, 3);
        for (int stride : new int[] {1, 4}) {
            int ho = Pool3x3.outputSize(12, stride), wo = Pool3x3.outputSize(101, stride);
            Tensor pooled = arena.allocate(1, ho, wo, 96);
            double outputs = (double) ho * wo * 96;
            cases.add(new Case("dwconv3x3", "12x101x96/" + stride, stride == 1 ? "s0 Q pooling" : "s0 K/V pooling",
                    18 * outputs, 12 * 101 * 96 + outputs,
                    pool -> DepthwiseConv3x3.forward(pool, grid, dw, stride, stride, pooled), null));
        }

        Tensor wide = RandomTensors.allocate(arena, 109, 1, 12, 101, 192), skip = arena.allocate(1, 6, 51, 192);
        cases.add(new Case("maxpool3x3", "12x101x192/2", "s1.0 skip path", 8.0 * 6 * 51 * 192,
                12 * 101 * 192 + 6 * 51 * 192, pool -> MaxPool3x3.forward(pool, wide, 2, 2, skip), null));

        Tensor fbank = RandomTensors.allocate(arena, 110, 1, 1024, 128);
        Conv2dStem stem = new Conv2dStem(RandomTensors.allocate(arena, 111, 96, 1, 16, 16),
                RandomTensors.allocate(arena, 112, 96), 10, 10, 0, 0, arena.arena());
        Tensor image = fbank.transpose(1, 2), tokens = arena.allocate(1, 12, 101, 96);
        cases.add(new Case("conv-stem", "1x128x1024", "16x16/10 patch embedding", 2.0 * 12 * 101 * 96 * 256,
                128 * 1024 + 2.0 * 12 * 101 * 256 + 12 * 101 * 96, pool -> {
                    stem.forward(pool, image, tokens, ws);
                    ws.reset();
                }, null));

        Tensor last = RandomTensors.allocate(arena, 113, 8, 26, 768), clip = arena.allocate(8, 768);
        cases.add(new Case("mean", "8x26x768", "output pooling, 8 clips", 8 * 26 * 768, 8 * 26 * 768 + 8 * 768,
                pool -> MeanTokens.forward(pool, last, clip), null));
    }

    private void emit(String kernel, String shape, String where, int threads, double gflops, double blasGflops,
                      double bytesPerSecond, boolean hasBaseline) {
        double peakPercent = 100 * gflops / (peakPerCore * threads);
        double ratio = hasBaseline && !Double.isNaN(blasGflops) ? gflops / blasGflops : Double.NaN;
        if (options.json()) {
            out.printf(Locale.ROOT, "{\"kernel\":\"%s\",\"shape\":\"%s\",\"where\":\"%s\",\"threads\":%d,"
                            + "\"gflops\":%.2f,\"peak_percent\":%.1f,\"gbytes_per_s\":%s,\"openblas_gflops\":%s,"
                            + "\"ratio_openblas\":%s%s}%n",
                    kernel, shape, where, threads, gflops, peakPercent, json(bytesPerSecond * 1e-9),
                    json(blasGflops), json(ratio),
                    hasBaseline && blas == null ? ",\"openblas\":\"" + blasMissing.replace("\"", "'") + "\"" : "");
        } else {
            String ratioText = !hasBaseline ? "-" : blas == null ? "no BLAS" : String.format(Locale.ROOT, "%.2f", ratio);
            out.printf(Locale.ROOT, "%-11s %-15s %-26s %7d %8.1f %6.1f %8s %9s %8s%n", kernel, shape, where, threads,
                    gflops, peakPercent, Double.isNaN(bytesPerSecond) ? "-" : String.format(Locale.ROOT, "%.1f",
                            bytesPerSecond * 1e-9),
                    Double.isNaN(blasGflops) ? "-" : String.format(Locale.ROOT, "%.1f", blasGflops), ratioText);
        }
        out.flush();
    }

    private static String json(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }
}
