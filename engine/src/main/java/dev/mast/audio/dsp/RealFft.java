package dev.mast.audio.dsp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Power spectra of {@link #LANES} real frames at once: each vector lane carries one frame, so every butterfly is a
 * handful of full-width vector operations with broadcast twiddles, and no shuffles are needed.
 *
 * <p>A real FFT of length n is computed as a complex FFT of length n/2 on z[m] = x[2m] + i·x[2m+1]
 * (radix-2, decimation in time), followed by the split step
 * X[k] = (Z[k] + conj Z[n/2-k]) / 2 - i·e^{-2πik/n}·(Z[k] - conj Z[n/2-k]) / 2, for k = 0..n/2.
 *
 * <p>Buffer layout ({@link #bufferLength()} floats): the real parts of Z, then its imaginary parts, each element a
 * group of {@code LANES} floats (one per frame). Callers write real sample j of frame l to
 * {@code buffer[slot(j) + l]}, which stores it already in bit-reversed order, and zero the rest. Twiddles are
 * computed in double (StrictMath: the same on every JVM) and rounded once. Instances are immutable and thread-safe;
 * buffers belong to the caller.
 */
public final class RealFft {
    /** Frames per batch: one per lane of a 256-bit float vector. */
    public static final int LANES = 8;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    private final int n, half;
    private final int[] slots;
    /** Twiddles e^{-2πij/size} for every stage size = 2, 4, ..., half, concatenated (j < size/2). */
    private final float[] twRe, twIm;
    /** Split-step factors cos(2πk/n) and -sin(2πk/n), k = 0..half. */
    private final float[] splitCos, splitSin;

    /** @param n real transform length, a power of two of at least 4 */
    public RealFft(int n) {
        if (n < 4 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT length must be a power of two >= 4, got " + n);
        this.n = n;
        this.half = n / 2;
        int logHalf = Integer.numberOfTrailingZeros(half);
        slots = new int[n];
        for (int j = 0; j < n; j++) {
            int m = j >> 1;
            int rev = logHalf == 0 ? 0 : Integer.reverse(m) >>> (32 - logHalf);
            slots[j] = ((j & 1) * half + rev) * LANES;
        }
        twRe = new float[Math.max(half - 1, 1)];
        twIm = new float[twRe.length];
        for (int size = 2, t = 0; size <= half; size <<= 1) {
            for (int j = 0; j < size / 2; j++, t++) {
                double a = -2 * Math.PI * j / size;
                twRe[t] = (float) StrictMath.cos(a);
                twIm[t] = (float) StrictMath.sin(a);
            }
        }
        splitCos = new float[half + 1];
        splitSin = new float[half + 1];
        for (int k = 0; k <= half; k++) {
            double a = 2 * Math.PI * k / n;
            splitCos[k] = (float) StrictMath.cos(a);
            splitSin[k] = (float) -StrictMath.sin(a);
        }
    }

    /** The real transform length. */
    public int length() {
        return n;
    }

    /** Power-spectrum bins: n/2 + 1. */
    public int bins() {
        return half + 1;
    }

    /** Floats in a work buffer: n·LANES. */
    public int bufferLength() {
        return n * LANES;
    }

    /** Where real sample {@code j} of lane 0 goes in the buffer (add the lane index). */
    public int slot(int j) {
        return slots[j];
    }

    /**
     * Transforms {@code buffer} in place and writes |X[k]|² of lane l to {@code power[k·LANES + l]}, k = 0..n/2.
     */
    public void powerSpectrum(float[] buffer, float[] power) {
        complexFft(buffer);
        split(buffer, power);
    }

    private void complexFft(float[] z) {
        int im = half * LANES;
        for (int size = 2, t = 0; size <= half; t += size / 2, size <<= 1) {
            int hs = size / 2;
            for (int j = 0; j < hs; j++) {
                FloatVector wr = FloatVector.broadcast(S, twRe[t + j]);
                FloatVector wi = FloatVector.broadcast(S, twIm[t + j]);
                for (int start = 0; start < half; start += size) {
                    int a = (start + j) * LANES, b = a + hs * LANES;
                    FloatVector ar = FloatVector.fromArray(S, z, a), ai = FloatVector.fromArray(S, z, a + im);
                    FloatVector br = FloatVector.fromArray(S, z, b), bi = FloatVector.fromArray(S, z, b + im);
                    FloatVector tr = br.mul(wr).sub(bi.mul(wi));
                    FloatVector ti = br.mul(wi).add(bi.mul(wr));
                    ar.add(tr).intoArray(z, a);
                    ai.add(ti).intoArray(z, a + im);
                    ar.sub(tr).intoArray(z, b);
                    ai.sub(ti).intoArray(z, b + im);
                }
            }
        }
    }

    private void split(float[] z, float[] power) {
        int im = half * LANES;
        for (int k = 0; k <= half; k++) {
            int p = (k % half) * LANES, q = ((half - k) % half) * LANES;
            FloatVector zr = FloatVector.fromArray(S, z, p), zi = FloatVector.fromArray(S, z, p + im);
            FloatVector cr = FloatVector.fromArray(S, z, q), ci = FloatVector.fromArray(S, z, q + im).neg();
            FloatVector er = zr.add(cr), ei = zi.add(ci); // 2·E
            FloatVector dr = zr.sub(cr), di = zi.sub(ci); // 2·D, and O = -i·D
            FloatVector c = FloatVector.broadcast(S, splitCos[k]), s = FloatVector.broadcast(S, splitSin[k]);
            // 2·X = 2E + W·(-i·2D), W = c + i·s
            FloatVector xr = er.add(c.mul(di)).add(s.mul(dr));
            FloatVector xi = ei.add(s.mul(di)).sub(c.mul(dr));
            xr.mul(xr).add(xi.mul(xi)).mul(0.25f).intoArray(power, k * LANES);
        }
    }
}
