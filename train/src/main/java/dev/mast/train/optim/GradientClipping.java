package dev.mast.train.optim;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Parameter;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by the global L2 norm over all gradients, as {@code torch.nn.utils.clip_grad_norm_}:
 * <pre>
 *   N = sqrt(Σ_params Σ_i g_i²)          (parameters without a gradient are left out)
 *   c = maxNorm / (N + 1e-6)
 *   if c < 1: every g ← g · c
 * </pre>
 * The sum is deterministic: each gradient is cut into fixed chunks, each chunk is summed with float32 vector
 * accumulators whose lanes are then added in index order, and the chunk sums are added in double in chunk
 * order. The chunking does not
 * depend on the thread count, so the norm (and hence the whole training run) is bit-identical for any number of
 * threads.
 */
public final class GradientClipping {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int CHUNK = 1 << 14;
    private static final double EPS = 1e-6;

    private GradientClipping() {}

    /** The global L2 norm of the gradients of {@code params}, on the calling thread. */
    public static double globalNorm(List<Parameter> params) {
        return globalNorm(params, null);
    }

    /** The global L2 norm, with the chunk sums spread over {@code pool} (null: calling thread). Same result. */
    public static double globalNorm(List<Parameter> params, EnginePool pool) {
        List<Tensor> grads = new ArrayList<>();
        List<long[]> chunks = new ArrayList<>(); // {grad index, start, end}
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (!g.isContiguous() || !g.storage().isNative()) {
                throw new IllegalArgumentException("gradient of '" + p.name() + "' must be a contiguous off-heap tensor");
            }
            for (long s = 0; s < g.size(); s += CHUNK) {
                chunks.add(new long[] {grads.size(), s, Math.min(g.size(), s + CHUNK)});
            }
            grads.add(g);
        }
        double[] sums = new double[chunks.size()];
        EnginePool.Task task = i -> {
            long[] c = chunks.get(i);
            sums[i] = sumOfSquares(grads.get((int) c[0]), c[1], c[2]);
        };
        if (pool == null) {
            for (int i = 0; i < sums.length; i++) task.run(i);
        } else {
            pool.parallelFor(sums.length, task);
        }
        double total = 0;
        for (double s : sums) total += s;
        return Math.sqrt(total);
    }

    /**
     * Clips the gradients of {@code params} to a global norm of at most {@code maxNorm}; returns the norm before
     * clipping (what PyTorch returns, and what a training log should show).
     */
    public static double clip(List<Parameter> params, double maxNorm) {
        return clip(params, maxNorm, null);
    }

    /** As {@link #clip(List, double)}, with the work spread over {@code pool} (null: calling thread). */
    public static double clip(List<Parameter> params, double maxNorm, EnginePool pool) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be positive, got " + maxNorm);
        double norm = globalNorm(params, pool);
        double coef = maxNorm / (norm + EPS);
        if (coef < 1) {
            float c = (float) coef;
            for (Parameter p : params) {
                if (p.grad() != null) scale(p.grad(), c);
            }
        }
        return norm;
    }

    private static double sumOfSquares(Tensor g, long start, long end) {
        MemorySegment seg = g.storage();
        long base = g.offset() * Float.BYTES;
        FloatVector acc = FloatVector.zero(S);
        long e = start;
        long vecEnd = start + S.loopBound(end - start);
        for (; e < vecEnd; e += S.length()) {
            FloatVector x = FloatVector.fromMemorySegment(S, seg, base + e * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            acc = x.fma(x, acc);
        }
        // Lanes are added in index order here: reduceLanes leaves the float order unspecified, and the interpreter
        // and the JIT may differ, which would make the norm depend on compilation timing.
        float[] lanes = new float[S.length()];
        acc.intoArray(lanes, 0);
        double sum = 0;
        for (float lane : lanes) sum += lane;
        for (; e < end; e++) {
            double x = seg.get(ValueLayout.JAVA_FLOAT, base + e * Float.BYTES);
            sum += x * x;
        }
        return sum;
    }

    private static void scale(Tensor g, float c) {
        MemorySegment seg = g.storage();
        long base = g.offset() * Float.BYTES;
        long n = g.size();
        long e = 0;
        long vecEnd = S.loopBound(n);
        for (; e < vecEnd; e += S.length()) {
            long b = base + e * Float.BYTES;
            FloatVector.fromMemorySegment(S, seg, b, ByteOrder.LITTLE_ENDIAN).mul(c)
                    .intoMemorySegment(seg, b, ByteOrder.LITTLE_ENDIAN);
        }
        for (; e < n; e++) {
            long b = base + e * Float.BYTES;
            seg.set(ValueLayout.JAVA_FLOAT, b, seg.get(ValueLayout.JAVA_FLOAT, b) * c);
        }
    }
}
