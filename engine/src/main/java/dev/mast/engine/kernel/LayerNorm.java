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
        Tensor g = Views.contiguous(gamma), b = Views.contiguous(beta);
        OuterIndex meanAt = mean == null ? null : new OuterIndex(mean, 0);
        OuterIndex rstdAt = rstd == null ? null : new OuterIndex(rstd, 0);
        Rows.each(pool, x, null, y, 4, (row, xs, xOff, unused, unusedOff, ys, yOff, c) -> {
            float rs = forwardRow(xs, xOff, g.storage(), g.offset() * Float.BYTES, b.storage(),
                    b.offset() * Float.BYTES, eps, ys, yOff, c, mean == null ? null : mean.storage(),
                    meanAt == null ? -1 : meanAt.offset(row));
            if (rstdAt != null) rstd.storage().setAtIndex(ValueLayout.JAVA_FLOAT, rstdAt.offset(row), rs);
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
        if (!x.hasUnitInnerStride() || !dy.hasUnitInnerStride() || !dx.hasUnitInnerStride()) {
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
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                float mu = mean.storage().getAtIndex(ValueLayout.JAVA_FLOAT, meanAt.offset(r));
                float rs = rstd.storage().getAtIndex(ValueLayout.JAVA_FLOAT, rstdAt.offset(r));
                backwardRow(x.storage(), xAt.offset(r) * Float.BYTES, dy.storage(), dyAt.offset(r) * Float.BYTES,
                        g.storage(), g.offset() * Float.BYTES, mu, rs, dx.storage(), dxAt.offset(r) * Float.BYTES,
                        partialGamma[t], partialBeta[t], c);
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

    /** Normalises one row; stores its mean at element {@code meanAt} of {@code means} (unless null); returns rstd. */
    private static float forwardRow(MemorySegment xs, long xOff, MemorySegment gs, long gOff, MemorySegment bs,
                                    long bOff, float eps, MemorySegment ys, long yOff, int c, MemorySegment means,
                                    long meanAt) {
        int vecEnd = c - c % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(vecEnd, c);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < vecEnd; i += LANES) acc = acc.add(load(xs, xOff, i));
        if (vecEnd < c) acc = acc.add(load(xs, xOff, vecEnd, tail));
        float mean = VectorMath.sumLanes(acc) / c;
        if (means != null) means.setAtIndex(ValueLayout.JAVA_FLOAT, meanAt, mean);
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < vecEnd; i += LANES) {
            FloatVector d = load(xs, xOff, i).sub(mu);
            acc = d.fma(d, acc);
        }
        if (vecEnd < c) {
            FloatVector d = load(xs, xOff, vecEnd, tail).sub(mu).blend(0f, tail.not());
            acc = d.fma(d, acc);
        }
        float rstd = (float) (1 / Math.sqrt(VectorMath.sumLanes(acc) / c + eps));
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        for (int i = 0; i < vecEnd; i += LANES) {
            FloatVector xhat = load(xs, xOff, i).sub(mu).mul(rs);
            xhat.fma(load(gs, gOff, i), load(bs, bOff, i)).intoMemorySegment(ys, yOff + (long) i * Float.BYTES,
                    VectorMath.ORDER);
        }
        if (vecEnd < c) {
            FloatVector xhat = load(xs, xOff, vecEnd, tail).sub(mu).mul(rs);
            xhat.fma(load(gs, gOff, vecEnd, tail), load(bs, bOff, vecEnd, tail))
                    .intoMemorySegment(ys, yOff + (long) vecEnd * Float.BYTES, VectorMath.ORDER, tail);
        }
        return rstd;
    }

    /** One row of the backward pass; adds this row's dgamma/dbeta terms into the task's partial buffers. */
    private static void backwardRow(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, MemorySegment gs,
                                    long gOff, float mean, float rstd, MemorySegment dxs, long dxOff,
                                    float[] dgamma, float[] dbeta, int c) {
        int vecEnd = c - c % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(vecEnd, c);
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        // Pass 1: Σg and Σg·x̂ (g = dy·gamma), and the parameter gradients.
        FloatVector sumG = FloatVector.zero(SPECIES), sumGx = FloatVector.zero(SPECIES);
        for (int i = 0; i < c; i += LANES) {
            VectorMask<Float> m = i < vecEnd ? SPECIES.maskAll(true) : tail;
            FloatVector xhat = load(xs, xOff, i, m).sub(mu).mul(rs);
            FloatVector dy = load(dys, dyOff, i, m);
            FloatVector g = dy.mul(load(gs, gOff, i, m));
            sumG = sumG.add(g);
            sumGx = g.fma(xhat, sumGx);
            FloatVector.fromArray(SPECIES, dgamma, i, m).add(dy.mul(xhat)).intoArray(dgamma, i, m);
            FloatVector.fromArray(SPECIES, dbeta, i, m).add(dy).intoArray(dbeta, i, m);
        }
        FloatVector meanG = FloatVector.broadcast(SPECIES, VectorMath.sumLanes(sumG) / c);
        FloatVector meanGx = FloatVector.broadcast(SPECIES, VectorMath.sumLanes(sumGx) / c);
        // Pass 2: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)).
        for (int i = 0; i < c; i += LANES) {
            VectorMask<Float> m = i < vecEnd ? SPECIES.maskAll(true) : tail;
            FloatVector xhat = load(xs, xOff, i, m).sub(mu).mul(rs);
            FloatVector g = load(dys, dyOff, i, m).mul(load(gs, gOff, i, m));
            g.sub(meanG).sub(xhat.mul(meanGx)).mul(rs)
                    .intoMemorySegment(dxs, dxOff + (long) i * Float.BYTES, VectorMath.ORDER, m);
        }
    }

    private static FloatVector load(MemorySegment s, long byteOff, int i) {
        return FloatVector.fromMemorySegment(SPECIES, s, byteOff + (long) i * Float.BYTES, VectorMath.ORDER);
    }

    private static FloatVector load(MemorySegment s, long byteOff, int i, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(SPECIES, s, byteOff + (long) i * Float.BYTES, VectorMath.ORDER, m);
    }
}
