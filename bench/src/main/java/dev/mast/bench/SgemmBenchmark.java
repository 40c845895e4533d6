package dev.mast.bench;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.PackedLinear;
import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.nativelib.NativeUnavailableException;
import dev.mast.nativelib.OpenBlas;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Our GEMM against OpenBLAS at the MAST linear-layer shapes ({@link MastShapes#LINEAR}; a test keeps the
 * {@code shape} list below equal to it), on 1 and 2 threads:
 * <ul>
 *   <li>{@code linear}: {@link PackedLinear#forward} y = x·Wᵀ + b, the weight packed once (how the model runs);</li>
 *   <li>{@code sgemm}: {@link Sgemm#matmul} c = x·Wᵀ with Wᵀ a transposed view, both operands packed per call;</li>
 *   <li>{@code openblas}: {@code cblas_sgemm} of the same product (row-major, B transposed).</li>
 * </ul>
 * The {@code gflop} counter's ops/s is GFLOPS (2·m·n·k per call). Needs Debian's libopenblas0-pthread for the
 * {@code openblas} rows.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SgemmBenchmark {
    @Param({"144x96x288", "144x96x96", "144x96x384", "144x384x96",
            "1212x96x288", "1212x96x384", "1212x384x96", "1212x96x576",
            "306x192x576", "306x192x768", "306x768x192",
            "2448x192x768", "2448x768x192",
            "624x384x1152", "624x384x1536", "624x1536x384",
            "208x768x2304", "208x768x3072", "208x3072x768",
            "1024x768x3072", "1024x3072x768"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"linear", "sgemm", "openblas"})
    public String impl;

    private TensorArena arena;
    private EnginePool pool;
    private Tensor x, w, wt, bias, y;
    private PackedLinear layer;
    private OpenBlas blas;
    private double gflopPerCall;

    /** JMH counter: its ops/s is GFLOPS. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counter {
        public double gflop;
    }

    @Setup(Level.Trial)
    public void setUp() throws NativeUnavailableException {
        int[] mkn = BenchData.dims(shape);
        int m = mkn[0], k = mkn[1], n = mkn[2];
        gflopPerCall = 2.0 * m * n * k * 1e-9;
        arena = new TensorArena();
        x = RandomTensors.allocate(arena, 1, m, k);
        w = RandomTensors.allocate(arena, 2, n, k);
        wt = w.transpose(0, 1);
        bias = RandomTensors.allocate(arena, 3, n);
        y = arena.allocate(m, n);
        pool = new EnginePool(threads);
        layer = new PackedLinear(w, bias, arena.arena());
        if (impl.equals("openblas")) {
            blas = OpenBlas.load();
            blas.setThreads(threads);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public void multiply(Counter counter) {
        switch (impl) {
            case "linear" -> layer.forward(pool, x, y, Epilogue.NONE);
            case "sgemm" -> Sgemm.matmul(pool, x, wt, y);
            case "openblas" -> blas.sgemm(x, wt, y, 1f, 0f);
            default -> throw new IllegalArgumentException("impl " + impl);
        }
        counter.gflop += gflopPerCall;
    }
}
