package dev.mast.bench;

import dev.mast.engine.kernel.Softmax;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Row softmax on attention scores [batch·heads, N_q, N_k] at the MAST grids of spec §2.9: a 10 s clip (B=1, T=1024:
 * stage 0 1212×78, stage 1 306×306, stage 2 78×306) and a training batch (B=8, T=128: stage 0 144×9, stage 1
 * 36×36). Reports calls/s and GB/s.
 *
 * <p>{@code forwardLanewiseExp} is the same three-pass softmax with the Vector API's {@code lanewise(EXP)} in place of
 * the engine's polynomial exp: the measurement behind that choice.
 */
public class SoftmaxBenchmark extends KernelBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Param({"1x1212x78", "2x306x306", "4x78x306", "8x144x9", "16x36x36"})
    public String shape;

    private Tensor x, y, dy, dx;
    private long n;

    @Override
    protected void prepare(TensorArena arena) {
        int[] d = BenchData.dims(shape);
        x = BenchData.gaussian(arena, 1, 3, d);
        dy = BenchData.gaussian(arena, 2, 1, d);
        y = arena.allocate(d);
        dx = arena.allocate(d);
        n = x.size();
        Softmax.forward(pool, x, y);
    }

    @Benchmark
    public void forward(WorkCounters work) {
        Softmax.forward(pool, x, y);
        work.add(8 * n, 0);
    }

    @Benchmark
    public void backward(WorkCounters work) {
        Softmax.backward(pool, y, dy, dx);
        work.add(12 * n, 0);
    }

    @Benchmark
    public void forwardLanewiseExp(WorkCounters work) {
        int cols = x.dim(-1);
        int rows = (int) (n / cols);
        int tasks = Math.min(rows, 64);
        MemorySegment xs = x.storage(), ys = dx.storage();
        pool.parallelFor(tasks, t -> {
            for (int r = rows * t / tasks, end = rows * (t + 1) / tasks; r < end; r++) {
                lanewiseExpRow(xs, (long) r * cols * Float.BYTES, ys, (long) r * cols * Float.BYTES, cols);
            }
        });
        work.add(8 * n, 0);
    }

    private static void lanewiseExpRow(MemorySegment xs, long xOff, MemorySegment ys, long yOff, int n) {
        ByteOrder order = ByteOrder.nativeOrder();
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            max = max.max(FloatVector.fromMemorySegment(SPECIES, xs, xOff + 4L * i, order, m)
                    .blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        float mx = max.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector e = FloatVector.fromMemorySegment(SPECIES, xs, xOff + 4L * i, order, m).sub(mx)
                    .lanewise(VectorOperators.EXP);
            e.intoMemorySegment(ys, yOff + 4L * i, order, m);
            sum = sum.add(e.blend(0f, m.not()));
        }
        float inv = 1f / sum.reduceLanes(VectorOperators.ADD);
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + 4L * i, order, m).mul(inv)
                    .intoMemorySegment(ys, yOff + 4L * i, order, m);
        }
    }
}
