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
import dev.mast.nativelib.NativeLibraryUnavailableException;
import dev.mast.nativelib.OpenBlas;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The kernel report of {@code mast bench kernels}: every kernel of {@code dev.mast.engine.kernel} at MAST shapes,
 * with GFLOPS, the share of this machine's measured FMA peak ({@link FmaPeak}, per core × threads) and, for the
 * matrix products, the ratio to OpenBLAS's {@code cblas_sgemm} measured in the same run on the same thread count.
 *
 * <p>Each row is the median of repeated timed batches after a warm-up ({@link Stopwatch}); a JIT warm-up of the
 * GEMM path runs first. FLOPs per call: matrix products 2·m·n·k; the other kernels count the arithmetic of their
 * formula per element (documented in {@link #kernelRows}); memory-bound kernels are better read in the GB/s
 * column (bytes read + written once).
 */
public final class KernelReport {
    /**
     * @param quick   keep the whole run under a minute (shorter warm-ups and batches)
     * @param json    one JSON object per row instead of a table
     * @param threads thread counts to measure
     */
    public record Options(boolean quick, boolean json, int[] threads) {}

    private final Options options;
    private final PrintStream out;
    private final Stopwatch stopwatch;
    private final OpenBlas blas;
    private final String blasMissing;
    private double peakPerCore;

    private KernelReport(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.stopwatch = options.quick()
                ? new Stopwatch(60_000_000L, 5, 25_000_000L)
                : new Stopwatch(400_000_000L, 11, 150_000_000L);
        OpenBlas loaded = null;
        String missing = null;
        try {
            loaded = OpenBlas.load();
        } catch (NativeLibraryUnavailableException e) {
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
        try {
            warmUp(pools[0]);
            try (EnginePool single = new EnginePool(1)) {
                peakPerCore = FmaPeak.gflops(single, stopwatch);
            }
            for (EnginePool pool : pools) {
                double peak = FmaPeak.gflops(pool, stopwatch);
                emit("fma-peak", FmaPeak.CHAINS + " chains", FmaPeak.vectorBits() + "-bit FMA", pool.threads(),
                        peak, Double.NaN, Double.NaN, false);
            }
            for (MastShapes.Gemm g : MastShapes.LINEAR) {
                for (EnginePool pool : pools) linearRow(g, pool);
            }
            for (MastShapes.Gemm g : MastShapes.LINEAR.subList(MastShapes.LINEAR.size() - 2, MastShapes.LINEAR.size())) {
                for (EnginePool pool : pools) sgemmRow(g, pool);
            }
            for (MastShapes.Attention a : MastShapes.ATTENTION) {
                for (EnginePool pool : pools) attentionRows(a, pool);
            }
            for (EnginePool pool : pools) kernelRows(pool);
        } finally {
            for (EnginePool pool : pools) pool.close();
            if (blas != null) blas.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * Brings every GEMM path (in-place and packed A, plain and transposed B, full and partial tiles) to C2 before
     * anything is timed: the micro-kernel only compiles after a few thousand calls, later on a busy machine. Runs
     * until two consecutive 200 ms windows agree within 5% (at least 1 s, at most 10 s).
     */
    private void warmUp(EnginePool pool) {
        try (TensorArena arena = new TensorArena()) {
            Tensor x = RandomTensors.allocate(arena, 1, 200, 192), w = RandomTensors.allocate(arena, 2, 100, 192);
            Tensor bias = RandomTensors.allocate(arena, 3, 100), y = arena.allocate(200, 100);
            Tensor xT = RandomTensors.allocate(arena, 4, 192, 200).transpose(0, 1);
            PackedLinear layer = new PackedLinear(w, bias, arena.arena());
            Runnable round = () -> {
                layer.forward(pool, x, y, Epilogue.NONE);
                layer.forward(pool, x, y, Epilogue.ACCUMULATE);
                Sgemm.matmul(pool, x, w.transpose(0, 1), y);
                Sgemm.matmul(pool, xT, w.transpose(0, 1), y, 0.5f, true);
            };
            long start = System.nanoTime();
            double last = 0;
            while (true) {
                long t0 = System.nanoTime(), t;
                int rounds = 0;
                do {
                    round.run();
                    rounds++;
                    t = System.nanoTime();
                } while (t - t0 < 200_000_000L);
                double rate = rounds / ((t - t0) * 1e-9);
                long elapsed = t - start;
                if (elapsed > 10_000_000_000L || elapsed > 1_000_000_000L && Math.abs(rate - last) < 0.05 * rate) break;
                last = rate;
            }
        }
    }

    private void linearRow(MastShapes.Gemm g, EnginePool pool) {
        try (TensorArena arena = new TensorArena()) {
            Tensor x = RandomTensors.allocate(arena, 1, g.m(), g.k()), w = RandomTensors.allocate(arena, 2, g.n(), g.k());
            Tensor bias = RandomTensors.allocate(arena, 3, g.n()), y = arena.allocate(g.m(), g.n());
            PackedLinear layer = new PackedLinear(w, bias, arena.arena());
            double ours = g.flops() / stopwatch.secondsPerCall(() -> layer.forward(pool, x, y, Epilogue.NONE));
            double theirs = blasGflops(pool.threads(), () -> blas.sgemm(x, w.transpose(0, 1), y, 1f, 0f), g.flops());
            emit("linear", g.shape(), g.layer(), pool.threads(), ours * 1e-9, theirs,
                    bytes(g.m() * g.k() + g.n() * g.k() + g.m() * g.n()) / (g.flops() / ours), true);
        }
    }

    private void sgemmRow(MastShapes.Gemm g, EnginePool pool) {
        try (TensorArena arena = new TensorArena()) {
            Tensor a = RandomTensors.allocate(arena, 1, g.m(), g.k()), b = RandomTensors.allocate(arena, 2, g.k(), g.n());
            Tensor c = arena.allocate(g.m(), g.n());
            double ours = g.flops() / stopwatch.secondsPerCall(() -> Sgemm.matmul(pool, a, b, c));
            double theirs = blasGflops(pool.threads(), () -> blas.sgemm(a, b, c, 1f, 0f), g.flops());
            emit("sgemm", g.shape(), "a·b, both packed per call", pool.threads(), ours * 1e-9, theirs,
                    bytes(g.m() * g.k() + g.k() * g.n() + g.m() * g.n()) / (g.flops() / ours), true);
        }
    }

    /** scale·Q·Kᵀ and P·V batched over heads, with Q, K, V strided views of one QKV projection as in the model. */
    private void attentionRows(MastShapes.Attention at, EnginePool pool) {
        int h = at.heads(), nq = at.queries(), nk = at.keys(), hd = at.headWidth();
        try (TensorArena arena = new TensorArena()) {
            Tensor q = RandomTensors.allocate(arena, 1, nq, h, hd).permute(1, 0, 2);
            Tensor k = RandomTensors.allocate(arena, 2, nk, h, hd).permute(1, 0, 2);
            Tensor v = RandomTensors.allocate(arena, 3, nk, h, hd).permute(1, 0, 2);
            Tensor scores = arena.allocate(h, nq, nk), z = arena.allocate(h, nq, hd);
            float scale = (float) (1 / Math.sqrt(hd));
            double flops = 2.0 * h * nq * nk * hd;
            String shape = h + "x" + nq + "x" + hd + "x" + nk;
            double qk = flops / stopwatch.secondsPerCall(
                    () -> Sgemm.matmul(pool, q, k.transpose(-2, -1), scores, scale, false));
            double qkBlas = blasGflops(pool.threads(), () -> {
                for (int i = 0; i < h; i++) {
                    blas.sgemm(q.select(0, i), k.select(0, i).transpose(0, 1), scores.select(0, i), scale, 0f);
                }
            }, flops);
            emit("q·kᵀ", shape, at.layer() + " " + h + " heads", pool.threads(), qk * 1e-9, qkBlas,
                    bytes((long) h * (nq * hd + nk * hd + nq * nk)) / (flops / qk), true);
            double pv = flops / stopwatch.secondsPerCall(() -> Sgemm.matmul(pool, scores, v, z));
            double pvBlas = blasGflops(pool.threads(), () -> {
                for (int i = 0; i < h; i++) blas.sgemm(scores.select(0, i), v.select(0, i), z.select(0, i), 1f, 0f);
            }, flops);
            emit("p·v", h + "x" + nq + "x" + nk + "x" + hd, at.layer() + " " + h + " heads", pool.threads(),
                    pv * 1e-9, pvBlas, bytes((long) h * (nq * nk + nk * hd + nq * hd)) / (flops / pv), true);
        }
    }

    /**
     * The other kernels at MAST shapes of a 10.24 s clip (T = 1024: 12×101 stage-0 grid, 96 channels). Nominal
     * FLOPs per element: add 1; GELU 5 (scale, erf, add, two multiplies; erf counted as one); LayerNorm 8 (mean,
     * variance, normalise, affine); softmax 5 (max, subtract, exp, sum, scale); depthwise 3×3 18 per output;
     * max-pool 3×3 8 comparisons per output; conv stem 2·kh·kw per output channel; mean 1 per input.
     */
    private void kernelRows(EnginePool pool) {
        int t = pool.threads();
        try (TensorArena arena = new TensorArena(); Workspace ws = new Workspace()) {
            Tensor h1 = RandomTensors.allocate(arena, 1, 1212, 384), h2 = arena.allocate(1212, 384);
            elementwise("gelu", "1212x384", "s0 fc1 output", t, 5, 1212 * 384, 2,
                    () -> Gelu.forward(pool, h1, h2));

            Tensor a = RandomTensors.allocate(arena, 2, 1212, 96), b = RandomTensors.allocate(arena, 3, 1212, 96), sum = arena.allocate(1212, 96);
            elementwise("add", "1212x96", "s0 residual", t, 1, 1212 * 96, 3,
                    () -> ResidualAdd.forward(pool, a, b, sum));

            Tensor gamma = RandomTensors.allocate(arena, 4, 96), beta = RandomTensors.allocate(arena, 5, 96);
            elementwise("layernorm", "1212x96", "s0 norm1/norm2", t, 8, 1212 * 96, 2,
                    () -> LayerNorm.forward(pool, a, gamma, beta, 1e-6f, sum));

            Tensor scores = RandomTensors.allocate(arena, 6, 1, 1, 1212, 78), probs = arena.allocate(1, 1, 1212, 78);
            elementwise("softmax", "1212x78", "s0 attention, 1 head", t, 5, 1212 * 78, 2,
                    () -> Softmax.forward(pool, scores, probs));

            Tensor grid = RandomTensors.allocate(arena, 7, 1, 12, 101, 96), dw = RandomTensors.allocate(arena, 8, 96, 1, 3, 3);
            for (int stride : new int[] {1, 4}) {
                int ho = Pool3x3.outputSize(12, stride), wo = Pool3x3.outputSize(101, stride);
                Tensor pooled = arena.allocate(1, ho, wo, 96);
                long outputs = (long) ho * wo * 96;
                elementwise("dwconv3x3", "12x101x96/" + stride, stride == 1 ? "s0 Q pooling" : "s0 K/V pooling",
                        t, 18.0 * outputs / (12 * 101 * 96), 12 * 101 * 96, 1 + (double) outputs / (12 * 101 * 96),
                        () -> DepthwiseConv3x3.forward(pool, grid, dw, stride, stride, pooled));
            }

            Tensor wide = RandomTensors.allocate(arena, 9, 1, 12, 101, 192), skip = arena.allocate(1, 6, 51, 192);
            long skipOut = 6L * 51 * 192, skipIn = 12L * 101 * 192;
            elementwise("maxpool3x3", "12x101x192/2", "s1.0 skip path", t, 8.0 * skipOut / skipIn, skipIn,
                    1 + (double) skipOut / skipIn, () -> MaxPool3x3.forward(pool, wide, 2, 2, skip));

            Tensor fbank = RandomTensors.allocate(arena, 10, 1, 1024, 128);
            Tensor stemWeight = RandomTensors.allocate(arena, 11, 96, 1, 16, 16), stemBias = RandomTensors.allocate(arena, 12, 96);
            Conv2dStem stem = new Conv2dStem(stemWeight, stemBias, 10, 10, 0, 0, arena.arena());
            Tensor image = fbank.transpose(1, 2), tokens = arena.allocate(1, 12, 101, 96);
            double stemFlops = 2.0 * 12 * 101 * 96 * 256;
            double stem1 = stemFlops / stopwatch.secondsPerCall(() -> {
                stem.forward(pool, image, tokens, ws);
                ws.reset();
            });
            emit("conv-stem", "1x128x1024", "16x16/10 patch embedding", t, stem1 * 1e-9, Double.NaN,
                    bytes(128 * 1024 + 12 * 101 * 256 * 2 + 12 * 101 * 96) / (stemFlops / stem1), false);

            Tensor last = RandomTensors.allocate(arena, 13, 8, 26, 768), clip = arena.allocate(8, 768);
            elementwise("mean", "8x26x768", "output pooling, 8 clips", t, 1, 8 * 26 * 768,
                    1 + 1.0 / 26, () -> MeanTokens.forward(pool, last, clip));
        }
    }

    /**
     * One row of a kernel that streams its input: {@code flopsPerElement} and {@code touchesPerElement} (floats
     * read and written per input element) scale with {@code elements}.
     */
    private void elementwise(String kernel, String shape, String where, int threads, double flopsPerElement,
                             long elements, double touchesPerElement, Runnable op) {
        double seconds = stopwatch.secondsPerCall(op);
        emit(kernel, shape, where, threads, flopsPerElement * elements / seconds * 1e-9, Double.NaN,
                bytes((long) (touchesPerElement * elements)) / seconds, false);
    }

    /** OpenBLAS GFLOPS for {@code op} at {@code threads}, or NaN without OpenBLAS. */
    private double blasGflops(int threads, Runnable op, double flops) {
        if (blas == null) return Double.NaN;
        blas.setThreads(threads);
        return flops / stopwatch.secondsPerCall(op) * 1e-9;
    }

    private static double bytes(long floats) {
        return floats * (double) Float.BYTES;
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
