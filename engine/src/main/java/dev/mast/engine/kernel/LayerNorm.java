package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * LayerNorm over the last axis, forward and backward (llm.c style).
 *
 * <pre>
 *   forward:  mean = Σx/C,  rstd = 1/√(Σ(x - mean)²/C + eps)   (biased variance, two passes)
 *             x̂ = (x - mean)·rstd,  y = x̂·gamma + beta
 *   backward: g = dy·gamma
 *             dx = rstd·(g - mean(g) - x̂·mean(g·x̂))
 *             dgamma += Σ_rows dy·x̂,  dbeta += Σ_rows dy
 * </pre>
 * Parameter gradients are accumulated ({@code +=}), so micro-batches can sum into one buffer (zero it first);
 * dx is overwritten. The row sums over the batch are taken per task in row order and the task results added in
 * task order, with tasks cut by shape alone: the same bits for any thread count.
 */
public final class LayerNorm {
    private LayerNorm() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;
    /** At most this many partial dgamma/dbeta buffers per backward call. */
    private static final int MAX_PARTIALS = 32;

    /** x, y [..., C]; gamma, beta [C]; y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        forward(pool, x, gamma, beta, eps, y, null, null);
    }

    /**
     * The forward pass for training: also saves each row's mean and rstd = 1/√(var + eps) for {@link #backward}.
     * mean and rstd have x's shape without its last dimension ([] for a single row); either may be null.
     */
    public static void forward(EnginePool pool, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
                               Tensor mean, Tensor rstd) {
        Shapes.requireSame("layer_norm", x, y);
        requireRows("layer_norm", x);
        Shapes.require("layer_norm", "gamma", gamma, x.dim(-1));
        Shapes.require("layer_norm", "beta", beta, x.dim(-1));
        int[] rowShape = rowShape(x);
        if (mean != null) Shapes.require("layer_norm", "mean", mean, rowShape);
        if (rstd != null) Shapes.require("layer_norm", "rstd", rstd, rowShape);
        if (Rows.needsCopy(x, null, y)) {
            Tensor yc = Views.scratch(y);
            forward(pool, Views.contiguous(x), gamma, beta, eps, yc, mean, rstd);
            if (yc != y) y.copyFrom(yc);
            return;
        }
        Tensor g = Views.contiguous(gamma), b = Views.contiguous(beta);
        int c = x.dim(-1);
        OuterIndex xAt = new OuterIndex(x, 1), yAt = new OuterIndex(y, 1);
        OuterIndex meanAt = mean == null ? null : new OuterIndex(mean, 0);
        OuterIndex rstdAt = rstd == null ? null : new OuterIndex(rstd, 0);
        long rows = xAt.count();
        int tasks = Split.tasks(rows, 4L * c, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                float rs = forwardRow(x.storage(), xAt.offset(r) * Float.BYTES, g.storage(), g.offset() * Float.BYTES,
                        b.storage(), b.offset() * Float.BYTES, eps, y.storage(), yAt.offset(r) * Float.BYTES, c,
                        mean == null ? null : mean.storage(), meanAt == null ? -1 : meanAt.offset(r));
                if (rstdAt != null) rstd.storage().setAtIndex(ValueLayout.JAVA_FLOAT, rstdAt.offset(r), rs);
            }
        });
    }

    /**
     * Backward. x, dy, dx [..., C]; gamma, dgamma, dbeta [C]; mean and rstd as saved by the forward pass.
     * dx is overwritten (it may be dy); dgamma and dbeta are accumulated.
     */
    public static void backward(EnginePool pool, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                Tensor dx, Tensor dgamma, Tensor dbeta) {
        Shapes.requireSame("layer_norm_backward", x, dy);
        Shapes.requireSame("layer_norm_backward", x, dx);
        requireRows("layer_norm_backward", x);
        int c = x.dim(-1);
        Shapes.require("layer_norm_backward", "gamma", gamma, c);
        Shapes.require("layer_norm_backward", "dgamma", dgamma, c);
        Shapes.require("layer_norm_backward", "dbeta", dbeta, c);
        int[] rowShape = rowShape(x);
        Shapes.require("layer_norm_backward", "mean", mean, rowShape);
        Shapes.require("layer_norm_backward", "rstd", rstd, rowShape);
        if (Rows.needsCopy(x, dy, dx)) {
            Tensor dxc = Views.scratch(dx);
            backward(pool, Views.contiguous(x), gamma, mean, rstd, Views.contiguous(dy), dxc, dgamma, dbeta);
            if (dxc != dx) dx.copyFrom(dxc);
            return;
        }
        Tensor g = Views.contiguous(gamma);
        OuterIndex xAt = new OuterIndex(x, 1), dyAt = new OuterIndex(dy, 1), dxAt = new OuterIndex(dx, 1);
        OuterIndex meanAt = new OuterIndex(mean, 0), rstdAt = new OuterIndex(rstd, 0);
        long rows = xAt.count();
        int tasks = Split.tasks(rows, 6L * c, MAX_PARTIALS);
        float[][] partialGamma = new float[tasks][c];
        float[][] partialBeta = new float[tasks][c];
        long gOff = g.offset() * Float.BYTES;
        pool.parallelFor(tasks, t -> {
            float[] sums = new float[2];
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                float mu = mean.storage().getAtIndex(ValueLayout.JAVA_FLOAT, meanAt.offset(r));
                float rs = rstd.storage().getAtIndex(ValueLayout.JAVA_FLOAT, rstdAt.offset(r));
                long xOff = xAt.offset(r) * Float.BYTES, dyOff = dyAt.offset(r) * Float.BYTES;
                parameterGradients(x.storage(), xOff, dy.storage(), dyOff, mu, rs, partialGamma[t], partialBeta[t],
                        c);
                gradientSums(x.storage(), xOff, dy.storage(), dyOff, g.storage(), gOff, mu, rs, c, sums);
                inputGradient(x.storage(), xOff, dy.storage(), dyOff, g.storage(), gOff, mu, rs, sums[0] / c,
                        sums[1] / c, dx.storage(), dxAt.offset(r) * Float.BYTES, c);
            }
        });
        for (int j = 0; j < c; j++) {
            float sg = 0, sb = 0;
            for (int t = 0; t < tasks; t++) {
                sg += partialGamma[t][j];
                sb += partialBeta[t][j];
            }
            dgamma.set(dgamma.get(j) + sg, j);
            dbeta.set(dbeta.get(j) + sb, j);
        }
    }

    private static void requireRows(String op, Tensor x) {
        if (x.rank() < 1 || x.dim(-1) == 0) {
            throw new ShapeMismatchException(op + ": needs a non-empty last dimension, got " + x.shapeString());
        }
    }

    private static int[] rowShape(Tensor x) {
        return Arrays.copyOf(x.shape(), x.rank() - 1);
    }

    /*
     * One method per pass over a row, passing only scalars between them: a row kernel written as one method was too
     * large for C1's register allocator ("out of virtual registers"), and on a busy machine the JIT could then leave
     * it in slow tier-2 code for good.
     */

    /** Normalises one row; stores its mean at element {@code meanAt} of {@code means} (unless null); returns rstd. */
    private static float forwardRow(MemorySegment xs, long xOff, MemorySegment gs, long gOff, MemorySegment bs,
                                    long bOff, float eps, MemorySegment ys, long yOff, int c, MemorySegment means,
                                    long meanAt) {
        float mean = rowSum(xs, xOff, c) / c;
        if (means != null) means.setAtIndex(ValueLayout.JAVA_FLOAT, meanAt, mean);
        float rstd = (float) (1 / Math.sqrt(rowSquaredDeviation(xs, xOff, mean, c) / c + eps));
        normalizeRow(xs, xOff, gs, gOff, bs, bOff, mean, rstd, ys, yOff, c);
        return rstd;
    }

    /** Σ x over one row. */
    private static float rowSum(MemorySegment xs, long xOff, int c) {
        int whole = c - c % LANES;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            acc = acc.add(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, ORDER));
        }
        if (whole < c) {
            // masked-off lanes load as 0
            VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
            acc = acc.add(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) whole * Float.BYTES, ORDER, tail));
        }
        return VectorMath.sum(acc);
    }

    /** Σ (x - mean)² over one row: the biased variance times C, from centred values. */
    private static float rowSquaredDeviation(MemorySegment xs, long xOff, float mean, int c) {
        int whole = c - c % LANES;
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, ORDER).sub(mu);
            acc = d.fma(d, acc);
        }
        if (whole < c) {
            VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) whole * Float.BYTES, ORDER, tail)
                    .sub(mu).blend(0f, tail.not());
            acc = d.fma(d, acc);
        }
        return VectorMath.sum(acc);
    }

    /** y = (x - mean)·rstd·gamma + beta over one row. */
    private static void normalizeRow(MemorySegment xs, long xOff, MemorySegment gs, long gOff, MemorySegment bs,
                                     long bOff, float mean, float rstd, MemorySegment ys, long yOff, int c) {
        int whole = c - c % LANES;
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, bs, bOff + o, ORDER);
            xhat.fma(g, b).intoMemorySegment(ys, yOff + o, ORDER);
        }
        if (whole < c) {
            VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
            long o = (long) whole * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER, tail).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER, tail);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, bs, bOff + o, ORDER, tail);
            xhat.fma(g, b).intoMemorySegment(ys, yOff + o, ORDER, tail);
        }
    }

    /** Backward, parameters: adds dy·x̂ and dy of one row into the task's partial dgamma and dbeta. */
    private static void parameterGradients(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, float mean,
                                           float rstd, float[] dgamma, float[] dbeta, int c) {
        int whole = c - c % LANES;
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER);
            dy.fma(xhat, FloatVector.fromArray(SPECIES, dgamma, i)).intoArray(dgamma, i);
            dy.add(FloatVector.fromArray(SPECIES, dbeta, i)).intoArray(dbeta, i);
        }
        if (whole < c) {
            VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
            long o = (long) whole * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER, tail).sub(mu).mul(rs);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER, tail);
            dy.fma(xhat, FloatVector.fromArray(SPECIES, dgamma, whole, tail)).intoArray(dgamma, whole, tail);
            dy.add(FloatVector.fromArray(SPECIES, dbeta, whole, tail)).intoArray(dbeta, whole, tail);
        }
    }

    /** Backward, the row sums dx needs: Σg and Σg·x̂ with g = dy·gamma, into {@code sums}. */
    private static void gradientSums(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, MemorySegment gs,
                                     long gOff, float mean, float rstd, int c, float[] sums) {
        int whole = c - c % LANES;
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        FloatVector sumG = FloatVector.zero(SPECIES), sumGx = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER)
                    .mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER));
            sumG = sumG.add(g);
            sumGx = g.fma(xhat, sumGx);
        }
        if (whole < c) {
            // masked-off lanes load as 0, so g = 0 there and they add nothing
            VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
            long o = (long) whole * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER, tail).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER, tail)
                    .mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER, tail));
            sumG = sumG.add(g);
            sumGx = g.fma(xhat, sumGx);
        }
        sums[0] = VectorMath.sum(sumG);
        sums[1] = VectorMath.sum(sumGx);
    }

    /** Backward pass 2 over one row: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)). */
    private static void inputGradient(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, MemorySegment gs,
                                      long gOff, float mean, float rstd, float meanG, float meanGx, MemorySegment dxs,
                                      long dxOff, int c) {
        int whole = c - c % LANES;
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        FloatVector mg = FloatVector.broadcast(SPECIES, meanG), mgx = FloatVector.broadcast(SPECIES, meanGx);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER)
                    .mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER));
            g.sub(mg).sub(xhat.mul(mgx)).mul(rs).intoMemorySegment(dxs, dxOff + o, ORDER);
        }
        if (whole < c) {
            VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
            long o = (long) whole * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER, tail).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER, tail)
                    .mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER, tail));
            g.sub(mg).sub(xhat.mul(mgx)).mul(rs).intoMemorySegment(dxs, dxOff + o, ORDER, tail);
        }
    }
}
