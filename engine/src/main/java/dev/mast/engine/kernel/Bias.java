package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The bias of a linear layer, broadcast over rows, for training passes that run the product as a plain GEMM:
 * <pre>
 *   fill:      y[r, :] = b          (then the GEMM accumulates x·Wᵀ onto it: y = x·Wᵀ + b, PyTorch's addmm)
 *   add:       y[r, :] += b
 *   backward:  db += Σ_r dy[r, :]
 * </pre>
 * y and dy are [..., C] with a unit inner stride (any outer strides); b and db are [C]. The backward sums rows per
 * task in row order and adds the task sums in task order, tasks cut by shape alone: the same bits for any thread
 * count.
 */
public final class Bias {
    private Bias() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;
    /** At most this many partial sums per backward call. */
    private static final int MAX_PARTIALS = 32;

    /** y[r, :] = b for every row. */
    public static void fill(EnginePool pool, Tensor bias, Tensor y) {
        apply(pool, bias, y, false);
    }

    /** y[r, :] += b for every row. */
    public static void add(EnginePool pool, Tensor bias, Tensor y) {
        apply(pool, bias, y, true);
    }

    /** db += Σ_r dy[r, :]. */
    public static void backward(EnginePool pool, Tensor dy, Tensor dbias) {
        check("bias_backward", dbias, dy);
        int c = dy.dim(-1);
        OuterIndex at = new OuterIndex(dy, 1);
        long rows = at.count();
        int tasks = Split.tasks(rows, c, MAX_PARTIALS);
        float[][] partial = new float[tasks][c];
        MemorySegment s = dy.storage();
        pool.parallelFor(tasks, t -> {
            float[] acc = partial[t];
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                long o = at.offset(r) * Float.BYTES;
                int j = 0;
                for (; j <= c - LANES; j += LANES) {
                    FloatVector.fromMemorySegment(SPECIES, s, o + (long) j * Float.BYTES, ORDER)
                            .add(FloatVector.fromArray(SPECIES, acc, j)).intoArray(acc, j);
                }
                for (; j < c; j++) acc[j] += s.get(ValueLayout.JAVA_FLOAT, o + (long) j * Float.BYTES);
            }
        });
        for (int j = 0; j < c; j++) {
            float sum = 0;
            for (int t = 0; t < tasks; t++) sum += partial[t][j];
            dbias.set(dbias.get(j) + sum, j);
        }
    }

    private static void apply(EnginePool pool, Tensor bias, Tensor y, boolean accumulate) {
        check(accumulate ? "bias_add" : "bias_fill", bias, y);
        int c = y.dim(-1);
        float[] b = bias.toArray();
        OuterIndex at = new OuterIndex(y, 1);
        long rows = at.count();
        int tasks = Split.tasks(rows, c, Integer.MAX_VALUE);
        MemorySegment s = y.storage();
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                long o = at.offset(r) * Float.BYTES;
                int j = 0;
                for (; j <= c - LANES; j += LANES) {
                    long at2 = o + (long) j * Float.BYTES;
                    FloatVector v = FloatVector.fromArray(SPECIES, b, j);
                    if (accumulate) v = FloatVector.fromMemorySegment(SPECIES, s, at2, ORDER).add(v);
                    v.intoMemorySegment(s, at2, ORDER);
                }
                for (; j < c; j++) {
                    long at2 = o + (long) j * Float.BYTES;
                    s.set(ValueLayout.JAVA_FLOAT, at2, accumulate ? s.get(ValueLayout.JAVA_FLOAT, at2) + b[j] : b[j]);
                }
            }
        });
    }

    private static void check(String op, Tensor bias, Tensor y) {
        if (y.rank() < 1 || !y.hasUnitInnerStride()) {
            throw new ShapeMismatchException(op + ": rows must have a unit inner stride, got " + y);
        }
        Shapes.require(op, "bias", bias, y.dim(-1));
    }
}
