package dev.mast.bench;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.nativelib.NativeUnavailableException;
import dev.mast.nativelib.onednn.DnnlEngine;
import dev.mast.nativelib.onednn.DnnlLinear;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * oneDNN matmul at MAST's linear-layer shapes (rows × in × out): the matmul primitive with the weight reordered
 * once to oneDNN's preferred layout ({@link DnnlLinear}, what the backend runs) and {@code dnnl_sgemm} on the plain
 * [out, in] weight, on 1 and 2 threads.
 *
 * <p>{@link #main} runs these and {@link FmaPeakBenchmark} and prints GFLOPS per case with the fraction of the FMA
 * peak measured in the same run (peak × threads for the 2-thread cases). GFLOPS come from JMH's median of the
 * measurement iterations (the machine is shared and noisy); the fastest iteration is printed beside it. Any JMH
 * option may be passed, e.g. {@code -p threads=1 -i 10}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OnednnMatmulBenchmark {
    /** rows x in x out: MViTv2 stage-4 MLP up and down projections, its fused qkv, a stage-1 MLP on many tokens. */
    @Param({"1024x768x3072", "1024x3072x768", "1024x768x2304", "4096x96x384"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private DnnlEngine engine;
    private TensorArena arena;
    private DnnlLinear linear;
    private Tensor x, w, wt, y;

    @Setup(Level.Trial)
    public void setUp() throws NativeUnavailableException {
        int[] s = BenchData.dims(shape);
        engine = DnnlEngine.open(threads);
        arena = new TensorArena();
        x = RandomTensors.allocate(arena, 1, s[0], s[1]);
        w = RandomTensors.allocate(arena, 2, s[2], s[1]);
        y = arena.allocate(s[0], s[2]);
        wt = w.transpose(0, 1);
        linear = engine.linear(w, null, s[0]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        arena.close();
    }

    /** y = x·Wᵀ with the packed weight: the backend's linear layer. */
    @Benchmark
    public Tensor matmulPrimitive() {
        linear.forward(x, y, Epilogue.NONE);
        return y;
    }

    /** y = x·Wᵀ through dnnl_sgemm, W read transposed in place. */
    @Benchmark
    public Tensor sgemm() {
        engine.sgemm(x, wt, y, 1f, false);
        return y;
    }

    /** Runs the benchmarks and prints GFLOPS and the fraction of the measured FMA peak. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(OnednnMatmulBenchmark.class.getName() + "\\.")
                .include(FmaPeakBenchmark.class.getName() + "\\.")
                .build()).run();
        double peak = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().startsWith(FmaPeakBenchmark.class.getName())) {
                peak = FmaPeakBenchmark.FLOPS_PER_CALL / (median(r) * 1e-3) / 1e9;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("FMA peak (one core, measured): %.1f GFLOPS", peak));
        lines.add(String.format("%-16s %-7s %-16s %10s %8s %8s %9s", "rows x in x out", "threads", "method",
                "median ms", "GFLOPS", "of peak", "best ms"));
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            if (!bench.startsWith(OnednnMatmulBenchmark.class.getName())) continue;
            String sh = r.getParams().getParam("shape");
            int t = Integer.parseInt(r.getParams().getParam("threads"));
            int[] s = BenchData.dims(sh);
            double ms = median(r), gflops = 2.0 * s[0] * s[1] * s[2] / (ms * 1e-3) / 1e9;
            lines.add(String.format("%-16s %-7d %-16s %10.3f %8.1f %7.0f%% %9.3f", sh, t,
                    bench.substring(bench.lastIndexOf('.') + 1), ms, gflops, 100 * gflops / (peak * t),
                    r.getPrimaryResult().getStatistics().getMin()));
        }
        lines.forEach(System.out::println);
    }

    /** Median of the measurement iterations, in the benchmark's unit (ms). */
    private static double median(RunResult r) {
        return r.getPrimaryResult().getStatistics().getPercentile(50);
    }
}
