package dev.mast.audio.dsp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two vector operations of the front end whose library versions are not reproducible: {@code reduceLanes(ADD)}
 * sums in an unspecified order, and {@code lanewise(LOG)} runs a platform math library when compiled but Java code
 * when interpreted, so the same clip could give different features before and after the JIT warms up. These
 * versions use only IEEE add, multiply, fused multiply-add, compares and bit operations, which give identical
 * results on every path.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromValues(S, 4, 5, 6, 7, 0, 1, 2, 3);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromValues(S, 2, 3, 0, 1, 6, 7, 4, 5);
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromValues(S, 1, 0, 3, 2, 5, 4, 7, 6);

    private VectorMath() {}

    /** Sum of the 8 lanes as a fixed tree: ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7)). */
    public static float sum(FloatVector v) {
        v = v.add(v.rearrange(SWAP4));
        v = v.add(v.rearrange(SWAP2));
        v = v.add(v.rearrange(SWAP1));
        return v.lane(0);
    }

    private static final float SQRT_HALF = 0.70710677f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Minimax coefficients for log(1 + x) = x - x²/2 + x³·P(x), |x| < 0.415 (Cephes logf). */
    private static final float P0 = 7.0376836292e-2f, P1 = -1.1514610310e-1f, P2 = 1.1676998740e-1f,
            P3 = -1.2420140846e-1f, P4 = 1.4249322787e-1f, P5 = -1.6668057665e-1f, P6 = 2.0000714765e-1f,
            P7 = -2.4999993993e-1f, P8 = 3.3333331174e-1f;

    /**
     * Natural logarithm of positive, normal, finite lanes (within 2 ulp of the true value). The caller floors its
     * arguments (the front ends add or clamp to float epsilon), so zero, denormal and non-finite inputs are not
     * handled.
     */
    public static FloatVector log(FloatVector x) {
        // x = m·2^e with m in [0.5, 1): exponent and mantissa from the bits
        IntVector bits = x.reinterpretAsInts();
        IntVector exp = bits.lanewise(VectorOperators.LSHR, 23).sub(126);
        FloatVector m = bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats();
        // move m to [sqrt(1/2), sqrt(2)) so that log(m) is small: m < sqrt(1/2) -> 2m, e - 1
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector e = exp.convert(VectorOperators.I2F, 0).reinterpretAsFloats();
        e = e.sub(FloatVector.broadcast(S, 1f), low);
        FloatVector f = m.add(m.blend(0f, low.not())).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = FloatVector.broadcast(S, P0);
        p = p.fma(f, FloatVector.broadcast(S, P1));
        p = p.fma(f, FloatVector.broadcast(S, P2));
        p = p.fma(f, FloatVector.broadcast(S, P3));
        p = p.fma(f, FloatVector.broadcast(S, P4));
        p = p.fma(f, FloatVector.broadcast(S, P5));
        p = p.fma(f, FloatVector.broadcast(S, P6));
        p = p.fma(f, FloatVector.broadcast(S, P7));
        p = p.fma(f, FloatVector.broadcast(S, P8));
        FloatVector y = p.mul(f).mul(z);
        y = e.fma(FloatVector.broadcast(S, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(S, -0.5f), y);
        return e.fma(FloatVector.broadcast(S, LN2_HI), f.add(y));
    }
}
