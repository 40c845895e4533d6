package dev.mast.audio.features;

/**
 * Triangular mel filters over the bins of a power spectrum, stored sparsely: filter b covers spectrum bins
 * {@code start(b) .. start(b) + weights(b).length - 1}. Two constructions, both from spec §1:
 * {@link #kaldi} (§1.1 step 10) and {@link #slaney} (librosa's default, §1.3 step 4), with StrictMath so that they
 * are the same on every JVM.
 */
public final class MelFilterBank {
    private final int spectrumBins;
    private final int[] start;
    private final float[][] weights;

    private MelFilterBank(int spectrumBins, double[][] dense) {
        this.spectrumBins = spectrumBins;
        int filters = dense.length;
        start = new int[filters];
        weights = new float[filters][];
        for (int b = 0; b < filters; b++) {
            int lo = 0, hi = spectrumBins - 1;
            while (lo <= hi && dense[b][lo] == 0) lo++;
            while (hi >= lo && dense[b][hi] == 0) hi--;
            start[b] = lo > hi ? 0 : lo;
            weights[b] = new float[Math.max(0, hi - lo + 1)];
            for (int k = lo; k <= hi; k++) weights[b][k - lo] = (float) dense[b][k];
        }
    }

    /**
     * Kaldi's filters (no VTLN, no area normalisation) for an FFT of {@code fftSize} points: mel(f) = 1127·ln(1 +
     * f/700), {@code count} triangles equally spaced in mel between {@code lowHz} and {@code highHz}, evaluated at
     * the mel of each FFT bin frequency; the Nyquist bin gets weight 0.
     *
     * <p>Evaluated in float32, step by step as torchaudio does (it builds these weights in float32 even for float64
     * input). The difference matters: a weight near the foot of a triangle is the difference of two mel values
     * around 2000 whose float32 rounding is ~1e-4, so a double-precision bank differs from torchaudio's by up to
     * ~2e-5 per weight, which shows up as ~4e-4 in the log energy of a band dominated by such a bin.
     */
    public static MelFilterBank kaldi(int count, int fftSize, double sampleRate, double lowHz, double highHz) {
        int bins = fftSize / 2 + 1;
        double melLowD = kaldiMel(lowHz), melHighD = kaldiMel(highHz);
        float melLow = (float) melLowD;
        float delta = (float) ((melHighD - melLowD) / (count + 1));
        float binWidth = (float) (sampleRate / fftSize);
        double[][] w = new double[count][bins];
        for (int b = 0; b < count; b++) {
            float left = melLow + b * delta;
            float centre = melLow + (b + 1f) * delta;
            float right = melLow + (b + 2f) * delta;
            for (int k = 0; k < bins - 1; k++) {
                float hz = binWidth * k;
                float m = 1127f * (float) StrictMath.log(1f + hz / 700f);
                float up = (m - left) / (centre - left), down = (right - m) / (right - centre);
                w[b][k] = Math.max(0f, Math.min(up, down));
            }
        }
        return new MelFilterBank(bins, w);
    }

    /**
     * librosa's Slaney filters ({@code htk=False, norm='slaney'}): {@code count + 2} points equally spaced on the
     * Slaney mel scale between {@code fminHz} and {@code fmaxHz}, triangles in Hz between neighbours, each scaled by
     * 2 / (f[i+2] - f[i]) so that it has unit area.
     */
    public static MelFilterBank slaney(int count, int fftSize, double sampleRate, double fminHz, double fmaxHz) {
        int bins = fftSize / 2 + 1;
        double melMin = slaneyMel(fminHz), melMax = slaneyMel(fmaxHz);
        double[] f = new double[count + 2];
        for (int i = 0; i < f.length; i++) f[i] = slaneyHz(melMin + (melMax - melMin) * i / (count + 1));
        double[][] w = new double[count][bins];
        for (int i = 0; i < count; i++) {
            double norm = 2 / (f[i + 2] - f[i]);
            for (int k = 0; k < bins; k++) {
                double hz = k * sampleRate / fftSize;
                double lower = (hz - f[i]) / (f[i + 1] - f[i]), upper = (f[i + 2] - hz) / (f[i + 2] - f[i + 1]);
                w[i][k] = Math.max(0, Math.min(lower, upper)) * norm;
            }
        }
        return new MelFilterBank(bins, w);
    }

    /** Kaldi / HTK mel scale. */
    static double kaldiMel(double hz) {
        return 1127.0 * StrictMath.log(1.0 + hz / 700.0);
    }

    private static final double SLANEY_F_SP = 200.0 / 3;
    private static final double SLANEY_MIN_LOG_HZ = 1000.0;
    private static final double SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP; // 15
    private static final double SLANEY_LOGSTEP = StrictMath.log(6.4) / 27.0;

    /** Slaney's mel scale: linear below 1 kHz, logarithmic above. */
    static double slaneyMel(double hz) {
        return hz < SLANEY_MIN_LOG_HZ ? hz / SLANEY_F_SP
                : SLANEY_MIN_LOG_MEL + StrictMath.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
    }

    static double slaneyHz(double mel) {
        return mel < SLANEY_MIN_LOG_MEL ? mel * SLANEY_F_SP
                : SLANEY_MIN_LOG_HZ * StrictMath.exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
    }

    /** Number of filters (mel bins). */
    public int count() {
        return start.length;
    }

    /** Number of power-spectrum bins the filters read. */
    public int spectrumBins() {
        return spectrumBins;
    }

    /** First spectrum bin with a non-zero weight in filter {@code b}. */
    public int start(int b) {
        return start[b];
    }

    /** The non-zero span of filter {@code b} (shared, do not modify). */
    public float[] weights(int b) {
        return weights[b];
    }

    /** The filters as a dense [count][spectrumBins] matrix (for tests and inspection). */
    public float[][] dense() {
        float[][] d = new float[count()][spectrumBins];
        for (int b = 0; b < count(); b++) System.arraycopy(weights[b], 0, d[b], start[b], weights[b].length);
        return d;
    }
}
