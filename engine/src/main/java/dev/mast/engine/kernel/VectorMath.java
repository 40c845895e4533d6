package dev.mast.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * What the Vector API kernels share: the species, the byte order of tensor memory, an exponential and a lane sum
 * whose results are the same bits whether the JIT has compiled the code or not.
 *
 * <p>Why not {@code lanewise(EXP)} and {@code reduceLanes(ADD)}: the compiled EXP (SVML) and the interpreter's
 * fallback ({@link Math#exp}) differ in the last bit, and the JIT may add lanes in another order than the
 * interpreter; either would make a kernel's output depend on when it was compiled. The polynomial below uses only
 * correctly rounded lane operations, and it is also faster than EXP here (measured in {@code SoftmaxBenchmark}).
 */
final class VectorMath {
    private VectorMath() {}

    /** The widest species the CPU runs natively (16 floats with AVX-512, 8 with AVX2). */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Tensors hold floats in native order ({@code ValueLayout.JAVA_FLOAT}). */
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Below this, e^a is not a normal float; {@link #expNonPositive} returns 0 there. */
    private static final float EXP_MIN = -87.33f;
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split in two so that {@code a - n·ln2} stays exact for |n| <= 126 (Cody–Waite). */
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187e-06f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    private static final float ROUND_SHIFT = 12582912f;
    private static final int ROUND_SHIFT_BITS = 0x4B400000;
    /**
     * e^r = 1 + r + r²·P(r) on |r| <= ln2/2, P of degree 4: a minimax fit (relative error 1e-8 before float
     * rounding), made by {@code src/test/resources/kernels/fit_coefficients.py}.
     */
    private static final float E2 = 0.5f;
    private static final float E3 = 1.6666577756e-01f;
    private static final float E4 = 4.1666854173e-02f;
    private static final float E5 = 8.3631621674e-03f;
    private static final float E6 = 1.3901292114e-03f;

    /**
     * e^a for a <= 0, within 1 ulp; 0 for a < -87.33 (where e^a would be subnormal) and NaN for NaN. Arguments
     * above 0 are outside its contract (callers pass {@code x - max} and {@code -x²/2}).
     */
    static FloatVector expNonPositive(FloatVector a) {
        VectorMask<Float> underflow = a.compare(VectorOperators.LT, EXP_MIN);
        FloatVector x = a.blend(EXP_MIN, underflow);
        // a = n·ln2 + r with n an integer and |r| <= ln2/2; e^a = 2^n·e^r.
        FloatVector nShifted = x.fma(FloatVector.broadcast(SPECIES, LOG2E), FloatVector.broadcast(SPECIES, ROUND_SHIFT));
        IntVector twoToN = nShifted.reinterpretAsInts().sub(ROUND_SHIFT_BITS).lanewise(VectorOperators.LSHL, 23);
        FloatVector n = nShifted.sub(ROUND_SHIFT);
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(SPECIES, E6), FloatVector.broadcast(SPECIES, E5));
        p = p.fma(r, FloatVector.broadcast(SPECIES, E4));
        p = p.fma(r, FloatVector.broadcast(SPECIES, E3));
        p = p.fma(r, FloatVector.broadcast(SPECIES, E2));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        // Scaling by 2^n is an add to the exponent field; n >= -126 keeps the result normal.
        FloatVector result = er.reinterpretAsInts().add(twoToN).reinterpretAsFloats();
        return result.blend(0f, underflow);
    }

    /** The sum of the lanes, added in lane order (see the class comment for why not {@code reduceLanes}). */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < LANES; i++) s += v.lane(i);
        return s;
    }
}
