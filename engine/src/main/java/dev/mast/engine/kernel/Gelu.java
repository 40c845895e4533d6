package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * GELU, exact erf form: {@code gelu(x) = x·Φ(x) = x/2·(1 + erf(x/√2))}, and its backward
 * {@code dx = dy·(Φ(x) + x·φ(x))} with φ the standard normal density.
 *
 * <p>The Vector API has no erf, so Φ is computed here from the normal tail, which keeps its relative accuracy where
 * 1 + erf would cancel (large negative x):
 * <pre>
 *   Φ(-|x|) = erfc(z)/2 = e^(-z²)·t·Q(t)/2,   z = |x|/√2,  t = 1/(1 + 0.4·z),  Q a degree-9 fit
 *   Φ(x) = Φ(-|x|) for x &lt; 0,  1 - Φ(-|x|) for x &gt;= 0
 * </pre>
 * e^(-z²) = e^(-x²/2) takes x² as an exact sum hi + lo (an FMA gives lo), so the rounding of x² does not grow
 * with |x|. Measured against a float64 reference on every 97th float in [-16, 16]: absolute error at most 1.03e-7
 * for |x| <= 2, at most 0.54 ulp of x for x > 2, relative error at most 3.7e-7 for x < -2 (where the result is
 * below 0.05 in magnitude); gelu'(x) is within 2.4e-7 absolute. Every lane runs the same operations, so results
 * do not depend on where a span starts (thread count, GEMM tile): a span's last partial vector goes through the
 * same code on a zero-padded copy.
 */
public final class Gelu {
    private Gelu() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;

    private static final float INV_SQRT2 = 0.70710678f;
    private static final float INV_SQRT_2PI = 0.39894228f;
    /** Where e^(-x²/2) leaves the normal floats (x² > 2·87.33): the Gaussian and the tail are 0 there. */
    private static final float X2_MAX = 174.66f;
    /** t = 1/(1 + T_SCALE·z). */
    private static final float T_SCALE = 0.4f;
    /** Q(t)/2, lowest degree first (from {@code src/test/resources/kernels/fit_coefficients.py}). */
    private static final float Q0 = 1.1285573989e-01f;
    private static final float Q1 = 1.1243224889e-01f;
    private static final float Q2 = 1.0781869292e-01f;
    private static final float Q3 = 6.3182234764e-02f;
    private static final float Q4 = 1.4078120887e-01f;
    private static final float Q5 = -1.5095269680e-01f;
    private static final float Q6 = 2.8418084979e-01f;
    private static final float Q7 = -2.5719839334e-01f;
    private static final float Q8 = 1.0230054706e-01f;
    private static final float Q9 = -1.5400425531e-02f;

    /** y = gelu(x); y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireSame("gelu", x, y);
        Rows.elementwise(pool, x, null, y, (xs, xOff, unused, unusedOff, ys, yOff, n) ->
                span(xs, xOff, null, 0, ys, yOff, n, false));
    }

    /** In-place GELU on {@code n} contiguous floats at {@code byteOffset}: the epilogue of fused linear layers. */
    public static void forwardRun(MemorySegment seg, long byteOffset, int n) {
        span(seg, byteOffset, null, 0, seg, byteOffset, n, false);
    }

    /**
     * Backward: dx = dy·gelu'(x) with gelu'(x) = Φ(x) + x·φ(x). {@code x} is the forward input; dx is
     * overwritten and may be dy.
     */
    public static void backward(EnginePool pool, Tensor x, Tensor dy, Tensor dx) {
        Shapes.requireSame("gelu_backward", x, dy);
        Shapes.requireSame("gelu_backward", x, dx);
        Rows.elementwise(pool, x, dy, dx, (xs, xOff, dys, dyOff, dxs, dxOff, n) ->
                span(xs, xOff, dys, dyOff, dxs, dxOff, n, true));
    }

    /** {@link #vectors} on n floats: whole vectors in place, the rest through a zero-padded copy. */
    private static void span(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, MemorySegment outs,
                             long outOff, int n, boolean backward) {
        int whole = n - n % LANES;
        vectors(xs, xOff, dys, dyOff, outs, outOff, whole, backward);
        int rest = n - whole;
        if (rest == 0) return;
        long at = (long) whole * Float.BYTES;
        float[] x = new float[LANES], dy = new float[LANES], out = new float[LANES];
        MemorySegment.copy(xs, ValueLayout.JAVA_FLOAT_UNALIGNED, xOff + at, x, 0, rest);
        if (backward) MemorySegment.copy(dys, ValueLayout.JAVA_FLOAT_UNALIGNED, dyOff + at, dy, 0, rest);
        vectors(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(out), 0, LANES,
                backward);
        MemorySegment.copy(out, 0, outs, ValueLayout.JAVA_FLOAT_UNALIGNED, outOff + at, rest);
    }

    /**
     * n (a multiple of LANES) floats: out = gelu(x), or out = dy·gelu'(x) when {@code backward}. Both share the
     * computation of e^(-x²/2) and of the tail Φ(-|x|); the exp is written out here (see {@link VectorMath}).
     */
    private static void vectors(MemorySegment xs, long xOff, MemorySegment dys, long dyOff, MemorySegment outs,
                                long outOff, int n, boolean backward) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector log2e = FloatVector.broadcast(SPECIES, VectorMath.LOG2E);
        FloatVector shift = FloatVector.broadcast(SPECIES, VectorMath.ROUND_SHIFT);
        FloatVector ln2Hi = FloatVector.broadcast(SPECIES, -VectorMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, -VectorMath.LN2_LO);
        FloatVector e2 = FloatVector.broadcast(SPECIES, VectorMath.E2);
        FloatVector e3 = FloatVector.broadcast(SPECIES, VectorMath.E3);
        FloatVector e4 = FloatVector.broadcast(SPECIES, VectorMath.E4);
        FloatVector e5 = FloatVector.broadcast(SPECIES, VectorMath.E5);
        FloatVector e6 = FloatVector.broadcast(SPECIES, VectorMath.E6);
        FloatVector tScale = FloatVector.broadcast(SPECIES, T_SCALE);
        FloatVector q0 = FloatVector.broadcast(SPECIES, Q0), q1 = FloatVector.broadcast(SPECIES, Q1);
        FloatVector q2 = FloatVector.broadcast(SPECIES, Q2), q3 = FloatVector.broadcast(SPECIES, Q3);
        FloatVector q4 = FloatVector.broadcast(SPECIES, Q4), q5 = FloatVector.broadcast(SPECIES, Q5);
        FloatVector q6 = FloatVector.broadcast(SPECIES, Q6), q7 = FloatVector.broadcast(SPECIES, Q7);
        FloatVector q8 = FloatVector.broadcast(SPECIES, Q8), q9 = FloatVector.broadcast(SPECIES, Q9);
        FloatVector invSqrt2Pi = FloatVector.broadcast(SPECIES, INV_SQRT_2PI);
        for (int i = 0; i < n; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER);

            // gauss = e^(-x²/2), x² = hi + lo exactly; 0 past X2_MAX.
            FloatVector hi = x.mul(x);
            FloatVector lo = x.fma(x, hi.neg());
            FloatVector a = hi.mul(-0.5f);
            a = a.blend(VectorMath.EXP_MIN, a.compare(VectorOperators.LT, VectorMath.EXP_MIN));
            FloatVector nShifted = a.fma(log2e, shift);
            IntVector twoToN = nShifted.reinterpretAsInts().sub(VectorMath.ROUND_SHIFT_BITS)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector nf = nShifted.sub(shift);
            FloatVector r = nf.fma(ln2Hi, a);
            r = nf.fma(ln2Lo, r);
            FloatVector p = r.fma(e6, e5).fma(r, e4).fma(r, e3).fma(r, e2);
            FloatVector gauss = p.fma(r.mul(r), r).add(one).reinterpretAsInts().add(twoToN).reinterpretAsFloats();
            // e^(-(hi + lo)/2) = e^(-hi/2)·(1 - lo/2) to float precision, as |lo| <= ulp(hi)/2.
            gauss = gauss.neg().fma(lo.mul(0.5f), gauss).blend(0f, hi.compare(VectorOperators.GT, X2_MAX));

            // tail = Φ(-|x|) = gauss·t·Q(t)/2, t = 1/(1 + T_SCALE·|x|/√2).
            FloatVector t = one.div(x.abs().mul(INV_SQRT2).fma(tScale, one));
            FloatVector q = t.fma(q9, q8).fma(t, q7).fma(t, q6).fma(t, q5).fma(t, q4).fma(t, q3).fma(t, q2)
                    .fma(t, q1).fma(t, q0);
            FloatVector tail = gauss.mul(t).mul(q);
            VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);

            if (backward) {
                // gelu'(x) = Φ(x) + x·φ(x), Φ(x) = tail below 0 and 1 - tail above.
                FloatVector cdf = one.sub(tail).blend(tail, negative);
                FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER);
                dy.mul(x.mul(gauss).fma(invSqrt2Pi, cdf)).intoMemorySegment(outs, outOff + o, ORDER);
            } else {
                // gelu(x) = x·tail below 0; x - x·tail above, rounded once by the FMA. Past x = 10, x·Φ(-x) is
                // below half an ulp of x and the result is x itself, which also gives gelu(+inf) = +inf.
                x.fma(tail.neg(), x).blend(x.mul(tail), negative).blend(x, x.compare(VectorOperators.GT, 10f))
                        .intoMemorySegment(outs, outOff + o, ORDER);
            }
        }
    }
}
