package dev.mast.audio.dsp;

import dev.mast.engine.kernel.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Band-limited resampling equal to {@code torchaudio.functional.resample} with its defaults: a Hann-windowed
 * ("sinc_interp_hann") sinc filter, {@code lowpass_filter_width = 6}, {@code rolloff = 0.99}.
 *
 * <p>With the rates reduced by their gcd to {@code orig} and {@code out}, cutoff {@code base = min(orig, out) ·
 * rolloff} and half-width {@code w = ceil(6 · orig / base)} input samples, output sample {@code i·out + p} is
 * <pre>
 *   y[i·out + p] = Σ_k x[i·orig + k - w] · h_p(k),   k = 0 .. 2w + orig - 1,  x = 0 outside the clip
 *   h_p(k) = (base/orig) · sinc(π·t) · cos²(π·t / 12),   t = clamp(((k - w)/orig - p/out) · base, -6, 6)
 * </pre>
 * and the output has {@code ceil(out · n / orig)} samples. Only the taps with |t| &lt; 6 are non-zero; they are
 * stored per phase, padded to a multiple of the vector length, so each output is one short dot product. The filter
 * is computed in float32 with torchaudio's order of operations (see the constructor).
 *
 * <p>Immutable and thread-safe; build one per rate pair and reuse it.
 */
public final class Resampler {
    public static final int LOWPASS_FILTER_WIDTH = 6;
    public static final double ROLLOFF = 0.99;
    /** Highest input or output rate accepted; bounds the size of the filter bank. */
    public static final int MAX_RATE = 768_000;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    private final int fromRate, toRate;
    private final int orig, out, width;
    /** Taps per phase (a multiple of the vector length) and the first non-zero tap of each phase. */
    private final int taps;
    private final int[] firstTap;
    /** h_p(firstTap[p] + t) at kernel[p·taps + t]. */
    private final float[] kernel;

    public Resampler(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0 || fromRate > MAX_RATE || toRate > MAX_RATE) {
            throw new IllegalArgumentException("cannot resample " + fromRate + " Hz to " + toRate
                    + " Hz: rates must be between 1 and " + MAX_RATE + " Hz");
        }
        this.fromRate = fromRate;
        this.toRate = toRate;
        int g = gcd(fromRate, toRate);
        orig = fromRate / g;
        out = toRate / g;
        double base = Math.min(orig, out) * ROLLOFF;
        width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / base);
        int kernelLength = 2 * width + orig;
        // |t| < 6 <=> |(k - w)/orig - p/out| < 6/base: at most 2·6·orig/base + 1 consecutive taps per phase.
        int span = (int) Math.ceil(2 * LOWPASS_FILTER_WIDTH * orig / base) + 2;
        taps = (Math.min(span, kernelLength) + S.length() - 1) / S.length() * S.length();
        firstTap = new int[out];
        kernel = new float[Math.multiplyExact(out, taps)];
        // The filter is evaluated in float32, one rounding per step in torchaudio's order: its t has a rounding
        // error of ~base·1e-7 (1e-3 zero crossings for 44.1 kHz -> 16 kHz via 44101 Hz), which moves its output
        // by up to 1e-4 against an exact filter. Matching it keeps resampled audio bit-close to the reference.
        float baseF = (float) base, scaleF = (float) (base / orig), pi = (float) Math.PI;
        for (int p = 0; p < out; p++) {
            double centre = width + (double) orig * p / out; // the k where t = 0
            int k0 = Math.max(0, (int) Math.floor(centre - LOWPASS_FILTER_WIDTH * orig / base));
            k0 = Math.min(k0, kernelLength - 1);
            firstTap[p] = k0;
            float phase = (float) -p / out;
            for (int t = 0; t < taps && k0 + t < kernelLength; t++) {
                float x = (phase + (float) (k0 + t - width) / orig) * baseF;
                x = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, x));
                float win = (float) StrictMath.cos(x * pi / LOWPASS_FILTER_WIDTH / 2);
                win = win * win;
                float xpi = x * pi;
                float sinc = xpi == 0 ? 1f : (float) StrictMath.sin(xpi) / xpi;
                kernel[p * taps + t] = sinc * (win * scaleF);
            }
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    public int fromRate() {
        return fromRate;
    }

    public int toRate() {
        return toRate;
    }

    /** Output length for {@code n} input samples: ceil(out·n / orig) with the reduced rates. */
    public long outputLength(long n) {
        return (out * n + orig - 1) / orig;
    }

    /** Resamples a whole clip; returns {@code x} itself when the rates are equal, as torchaudio does. */
    public float[] resample(float[] x) {
        if (fromRate == toRate) return x;
        long len = outputLength(x.length);
        if (len > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("resampled clip would be too long");
        float[] y = new float[(int) len];
        // Zero-padded copy so that every dot product reads whole vectors inside the array.
        int lead = width;
        float[] xp = new float[x.length + lead + taps + orig + S.length()];
        System.arraycopy(x, 0, xp, lead, x.length);
        for (int i = 0, o = 0; o < y.length; i++) {
            int blockStart = i * orig; // xp index of x[i·orig - w], the block's k = 0
            for (int p = 0; p < out && o < y.length; p++, o++) {
                y[o] = dot(xp, blockStart + firstTap[p], kernel, p * taps);
            }
        }
        return y;
    }

    private float dot(float[] x, int xi, float[] h, int hi) {
        FloatVector acc = FloatVector.zero(S);
        for (int t = 0; t < taps; t += S.length()) {
            acc = FloatVector.fromArray(S, x, xi + t).fma(FloatVector.fromArray(S, h, hi + t), acc);
        }
        return VectorMath.sum256(acc);
    }
}
