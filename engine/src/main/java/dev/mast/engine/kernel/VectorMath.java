package dev.mast.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * The vector math with reproducible bits that the kernels and the audio front end share: lane sums in a fixed order
 * ({@link #sum}, {@link #sum256}) and a polynomial {@link #log}; for the kernels also the species, the byte order of
 * tensor memory, and the constants of the exponential that softmax and GELU compute. Only IEEE add, multiply, fused
 * multiply-add, compares and bit operations are used, which give the same bits compiled or interpreted.
 *
 * <p>Three rules the kernels follow, each from a measurement on this machine:
 * <ul>
 *   <li><b>No helper methods that take or return vectors in hot loops.</b> C2 compiles a hot helper on its own
 *       first; once that code is larger than InlineSmallCode it is never inlined again, and every call then boxes
 *       its vectors ("already compiled into a big method" in -XX:+PrintInlining). A depthwise conv written with
 *       such a helper ran at 4 GFLOPS instead of 57. So the exp below is written out where it is used; the one
 *       helper, {@link #sum}, is a few instructions, called once per row.</li>
 *   <li><b>No masks in main loops.</b> Masked loads and stores cost a third of the conv's speed; only tails use
 *       them.</li>
 *   <li><b>No {@code lanewise(EXP)}, {@code lanewise(LOG)} or {@code reduceLanes(ADD)} where bits matter.</b> The
 *       compiled EXP and LOG (SVML) and the interpreter's fallbacks differ in the last bit, and on x86 C2 adds the
 *       lanes of a reduction in a tree (JDK-8337062) while the interpreter adds them in order: a kernel's output
 *       would depend on when it was compiled. {@link #sum} adds lanes in a fixed tree of exact lane operations
 *       instead.</li>
 * </ul>
 *
 * <p>The exponential, for a &lt;= 0 (the callers need e^(x - max) and e^(-x²/2)), within 1 ulp:
 * <pre>
 *   a = max(a, EXP_MIN)                       (e^a is 0 below, set afterwards)
 *   n = round(a·log2 e)                       (adding ROUND_SHIFT rounds; its low mantissa bits hold n)
 *   r = a - n·ln2                             (Cody–Waite: ln2 = LN2_HI + LN2_LO, exact for |n| <= 126)
 *   e^r = 1 + r + r²·(E2 + r·(E3 + r·(E4 + r·(E5 + r·E6))))
 *   e^a = e^r·2^n                             (an integer add of n to the exponent field)
 * </pre>
 */
public final class VectorMath {
    private VectorMath() {}

    /** The widest species the CPU runs natively (16 floats with AVX-512, 8 with AVX2). */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Tensors hold floats in native order ({@code ValueLayout.JAVA_FLOAT}). */
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private static final VectorShuffle<Float> ROTATE_32 = VectorShuffle.iota(SPECIES, 32 % LANES, 1, true);
    private static final VectorShuffle<Float> ROTATE_16 = VectorShuffle.iota(SPECIES, 16 % LANES, 1, true);
    private static final VectorShuffle<Float> ROTATE_8 = VectorShuffle.iota(SPECIES, 8 % LANES, 1, true);
    private static final VectorShuffle<Float> ROTATE_4 = VectorShuffle.iota(SPECIES, 4 % LANES, 1, true);
    private static final VectorShuffle<Float> ROTATE_2 = VectorShuffle.iota(SPECIES, 2 % LANES, 1, true);
    private static final VectorShuffle<Float> ROTATE_1 = VectorShuffle.iota(SPECIES, 1 % LANES, 1, true);

    private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> ROTATE_4_256 = VectorShuffle.iota(S256, 4, 1, true);
    private static final VectorShuffle<Float> ROTATE_2_256 = VectorShuffle.iota(S256, 2, 1, true);
    private static final VectorShuffle<Float> ROTATE_1_256 = VectorShuffle.iota(S256, 1, 1, true);

    /**
     * The sum of the lanes of a {@link #SPECIES} vector in a fixed pairwise order (lane i plus lane i + LANES/2,
     * and so on), the same bits compiled or interpreted. LANES is a power of two up to 64.
     */
    public static float sum(FloatVector v) {
        if (LANES > 32) v = v.add(v.rearrange(ROTATE_32));
        if (LANES > 16) v = v.add(v.rearrange(ROTATE_16));
        if (LANES > 8) v = v.add(v.rearrange(ROTATE_8));
        if (LANES > 4) v = v.add(v.rearrange(ROTATE_4));
        if (LANES > 2) v = v.add(v.rearrange(ROTATE_2));
        if (LANES > 1) v = v.add(v.rearrange(ROTATE_1));
        return v.lane(0);
    }

    /**
     * The sum of the 8 lanes of a {@code SPECIES_256} vector (the audio front end, whose vectors are 256 bits on
     * every machine) in the same pairwise order: ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7)).
     */
    public static float sum256(FloatVector v) {
        v = v.add(v.rearrange(ROTATE_4_256));
        v = v.add(v.rearrange(ROTATE_2_256));
        v = v.add(v.rearrange(ROTATE_1_256));
        return v.lane(0);
    }

    private static final float SQRT_HALF = 0.70710677f;
    private static final float LOG_LN2_HI = 0.693359375f, LOG_LN2_LO = -2.12194440e-4f;
    /** Minimax coefficients for log(1 + x) = x - x²/2 + x³·P(x), |x| < 0.415 (Cephes logf). */
    private static final float P0 = 7.0376836292e-2f, P1 = -1.1514610310e-1f, P2 = 1.1676998740e-1f,
            P3 = -1.2420140846e-1f, P4 = 1.4249322787e-1f, P5 = -1.6668057665e-1f, P6 = 2.0000714765e-1f,
            P7 = -2.4999993993e-1f, P8 = 3.3333331174e-1f;

    /**
     * Natural logarithm of positive, normal, finite lanes (within 2 ulp of the true value), for vectors of any
     * species. The front ends floor their arguments (they add or clamp to float epsilon), so zero, denormal and
     * non-finite inputs are not handled. Called once per mel bin, outside the kernels' hot loops.
     */
    public static FloatVector log(FloatVector x) {
        // x = m·2^e with m in [0.5, 1): exponent and mantissa from the bits
        IntVector bits = x.reinterpretAsInts();
        IntVector exp = bits.lanewise(VectorOperators.LSHR, 23).sub(126);
        FloatVector m = bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats();
        // move m to [sqrt(1/2), sqrt(2)) so that log(m) is small: m < sqrt(1/2) -> 2m, e - 1
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector e = exp.convert(VectorOperators.I2F, 0).reinterpretAsFloats();
        e = e.sub(x.broadcast(1f), low);
        FloatVector f = m.add(m.blend(0f, low.not())).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = x.broadcast(P0);
        p = p.fma(f, x.broadcast(P1));
        p = p.fma(f, x.broadcast(P2));
        p = p.fma(f, x.broadcast(P3));
        p = p.fma(f, x.broadcast(P4));
        p = p.fma(f, x.broadcast(P5));
        p = p.fma(f, x.broadcast(P6));
        p = p.fma(f, x.broadcast(P7));
        p = p.fma(f, x.broadcast(P8));
        FloatVector y = p.mul(f).mul(z);
        y = e.fma(x.broadcast(LOG_LN2_LO), y);
        y = z.fma(x.broadcast(-0.5f), y);
        return e.fma(x.broadcast(LOG_LN2_HI), f.add(y));
    }

    /** Below this, e^a is not a normal float; the exp gives 0 there. */
    static final float EXP_MIN = -87.33f;
    static final float LOG2E = 1.44269504f;
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.428606765330187e-06f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    static final float ROUND_SHIFT = 12582912f;
    static final int ROUND_SHIFT_BITS = 0x4B400000;
    /**
     * e^r = 1 + r + r²·P(r) on |r| <= ln2/2, P of degree 4: a minimax fit (relative error 1e-8 before float
     * rounding), made by {@code src/test/resources/kernels/fit_coefficients.py}.
     */
    static final float E2 = 0.5f;
    static final float E3 = 1.6666577756e-01f;
    static final float E4 = 4.1666854173e-02f;
    static final float E5 = 8.3631621674e-03f;
    static final float E6 = 1.3901292114e-03f;
}
