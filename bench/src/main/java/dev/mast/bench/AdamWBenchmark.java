package dev.mast.bench;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.layer.Parameter;
import dev.mast.train.optim.AdamW;
import dev.mast.train.optim.GradientClipping;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The optimiser part of a training step for MAST-tiny: one AdamW step and one global-norm computation over 23.4 M
 * parameters (the tiny encoder's count, in tensors of the block sizes), against a plain scalar loop of the same
 * AdamW arithmetic as the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AdamWBenchmark {
    /** Parameter tensor sizes summing to MAST-tiny's 23,413,248 encoder parameters (large blocks, then a remainder). */
    private static final int[] SIZES;

    static {
        List<Integer> sizes = new ArrayList<>();
        long left = 23_413_248L;
        int[] pattern = {2_359_296, 589_824, 2_359_296, 3072, 768, 768, 1_769_472, 147_456, 111 * 96};
        for (int i = 0; left > 0; i++) {
            int s = (int) Math.min(left, pattern[i % pattern.length]);
            sizes.add(s);
            left -= s;
        }
        SIZES = sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private TensorArena arena;
    private List<Parameter> params;
    private AdamW adamw;
    private EnginePool pool;
    private MemorySegment[] m, v;

    @Setup(Level.Trial)
    public void setUp() {
        arena = new TensorArena();
        params = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        m = new MemorySegment[SIZES.length];
        v = new MemorySegment[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            Parameter p = new Parameter("p" + i, Parameter.Kind.WEIGHT, arena.allocate(SIZES[i]));
            float[] g = new float[SIZES[i]];
            for (int k = 0; k < g.length; k++) g[k] = (float) (0.01 * r.nextGaussian());
            p.allocateGrad(arena.arena()).copyFrom(g);
            params.add(p);
            m[i] = arena.allocate(SIZES[i]).storage();
            v[i] = arena.allocate(SIZES[i]).storage();
        }
        adamw = new AdamW(params, AdamW.Config.of(0.05));
        pool = new EnginePool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        adamw.close();
        pool.close();
        arena.close();
    }

    @Benchmark
    public void adamwStep() {
        adamw.step(1e-4);
    }

    @Benchmark
    public void adamwStepTwoThreads() {
        adamw.step(1e-4, pool);
    }

    @Benchmark
    public double globalNorm() {
        return GradientClipping.globalNorm(params);
    }

    /** Baseline: the same update as a plain scalar loop over the segments (t = 10, lr 1e-4, wd 0.05). */
    @Benchmark
    public void scalarAdamwBaseline() {
        float decay = (float) (1 - 1e-4 * 0.05), b1 = 0.9f, b2 = 0.999f, omb1 = 0.1f, omb2 = 0.001f, eps = 1e-8f;
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(0.999, 10)), negStep = (float) -(1e-4 / (1 - Math.pow(0.9, 10)));
        for (int i = 0; i < SIZES.length; i++) {
            MemorySegment p = params.get(i).value().storage(), g = params.get(i).grad().storage();
            for (long e = 0; e < SIZES[i]; e++) {
                long b = e * Float.BYTES;
                float gs = g.get(ValueLayout.JAVA_FLOAT, b);
                float ms = m[i].get(ValueLayout.JAVA_FLOAT, b) * b1 + gs * omb1;
                float vs = v[i].get(ValueLayout.JAVA_FLOAT, b) * b2 + gs * omb2 * gs;
                float denom = (float) Math.sqrt(vs) / bc2Sqrt + eps;
                p.set(ValueLayout.JAVA_FLOAT, b, p.get(ValueLayout.JAVA_FLOAT, b) * decay + ms / denom * negStep);
                m[i].set(ValueLayout.JAVA_FLOAT, b, ms);
                v[i].set(ValueLayout.JAVA_FLOAT, b, vs);
            }
        }
    }
}
