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
        int whole = c - c % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
        long tailOff = (long) whole * Float.BYTES;
        // mean (masked-off lanes load as 0)
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            acc = acc.add(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, ORDER));
        }
        if (whole < c) acc = acc.add(FloatVector.fromMemorySegment(SPECIES, xs, xOff + tailOff, ORDER, tail));
        float mean = VectorMath.sum(acc) / c;
        if (means != null) means.setAtIndex(ValueLayout.JAVA_FLOAT, meanAt, mean);
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        // biased variance, from the centred values
        acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, ORDER)
                    .sub(mu);
            acc = d.fma(d, acc);
        }
        if (whole < c) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, xs, xOff + tailOff, ORDER, tail).sub(mu)
                    .blend(0f, tail.not());
            acc = d.fma(d, acc);
        }
        float rstd = (float) (1 / Math.sqrt(VectorMath.sum(acc) / c + eps));
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        // y = (x - mean)·rstd·gamma + beta
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, bs, bOff + o, ORDER);
            xhat.fma(g, b).intoMemorySegment(ys, yOff + o, ORDER);
        }
        if (whole < c) {
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + tailOff, ORDER, tail).sub(mu)
                    .mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gs, gOff + tailOff, ORDER, tail);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, bs, bOff + tailOff, ORDER, tail);
            xhat.fma(g, b).intoMemorySegment(ys, yOff + tailOff, ORDER, tail);
        }
        return rstd;
    }

    /** One row of the backward pass; adds this row's dgamma/dbeta terms into the task's partial buffers. */
    private static void backwardRow(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, MemorySegment gs,
                                    long gOff, float mean, float rstd, MemorySegment dxs, long dxOff,
                                    float[] dgamma, float[] dbeta, int c) {
        int whole = c - c % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, c);
        long tailOff = (long) whole * Float.BYTES;
        FloatVector mu = FloatVector.broadcast(SPECIES, mean);
        FloatVector rs = FloatVector.broadcast(SPECIES, rstd);
        // Pass 1: Σg and Σg·x̂ with g = dy·gamma, and the parameter gradients (masked-off lanes load as 0: g = 0).
        FloatVector sumG = FloatVector.zero(SPECIES), sumGx = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER);
            FloatVector g = dy.mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER));
            sumG = sumG.add(g);
            sumGx = g.fma(xhat, sumGx);
            dy.fma(xhat, FloatVector.fromArray(SPECIES, dgamma, i)).intoArray(dgamma, i);
            dy.add(FloatVector.fromArray(SPECIES, dbeta, i)).intoArray(dbeta, i);
        }
        if (whole < c) {
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + tailOff, ORDER, tail).sub(mu)
                    .mul(rs);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + tailOff, ORDER, tail);
            FloatVector g = dy.mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + tailOff, ORDER, tail));
            sumG = sumG.add(g);
            sumGx = g.fma(xhat, sumGx);
            dy.fma(xhat, FloatVector.fromArray(SPECIES, dgamma, whole, tail)).intoArray(dgamma, whole, tail);
            dy.add(FloatVector.fromArray(SPECIES, dbeta, whole, tail)).intoArray(dbeta, whole, tail);
        }
        FloatVector meanG = FloatVector.broadcast(SPECIES, VectorMath.sum(sumG) / c);
        FloatVector meanGx = FloatVector.broadcast(SPECIES, VectorMath.sum(sumGx) / c);
        // Pass 2: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)).
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER)
                    .mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + o, ORDER));
            g.sub(meanG).sub(xhat.mul(meanGx)).mul(rs).intoMemorySegment(dxs, dxOff + o, ORDER);
        }
        if (whole < c) {
            FloatVector xhat = FloatVector.fromMemorySegment(SPECIES, xs, xOff + tailOff, ORDER, tail).sub(mu)
                    .mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + tailOff, ORDER, tail)
                    .mul(FloatVector.fromMemorySegment(SPECIES, gs, gOff + tailOff, ORDER, tail));
            g.sub(meanG).sub(xhat.mul(meanGx)).mul(rs).intoMemorySegment(dxs, dxOff + tailOff, ORDER, tail);
        }
    }
}
