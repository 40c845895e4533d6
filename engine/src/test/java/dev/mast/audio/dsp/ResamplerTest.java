package dev.mast.audio.dsp;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.PcmAudio;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.engine.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/** The resampler against torchaudio.functional.resample (fixtures made by resample/make_resample_fixtures.py). */
class ResamplerTest {
    /** Both build the filter in float32 the same way; only the summation order differs (measured: <= 1.8e-7). */
    private static final double TOLERANCE = 1e-6;

    @ParameterizedTest
    @CsvSource({"44100,16000", "48000,16000", "22050,16000", "8000,16000", "32000,16000", "11025,16000",
            "16000,22050", "44101,16000"})
    void matchesTorchaudio(int from, int to) {
        float[] x = AudioFixtures.npy("resample/in_" + from + "_" + to + ".npy").data();
        float[] want = AudioFixtures.npy("resample/out_" + from + "_" + to + ".npy").data();
        float[] got = new Resampler(from, to).resample(x);
        assertEquals(want.length, got.length, "output length");
        double d = AudioFixtures.maxAbsDiff(got, want);
        assertTrue(d <= TOLERANCE, from + " -> " + to + ": max |diff| " + d);
    }

    @Test
    void stereoFixtureChannelsMatchTorchaudio() throws IOException {
        PcmAudio a = AudioDecoders.decode(AudioFixtures.path("fbank/odd_44k1_s24_stereo.wav"));
        NpyArray want = AudioFixtures.npy("fbank/odd_44k1_s24_stereo/wave_16k.npy");
        Resampler r = new Resampler(44100, 16000);
        int n = want.shape()[1];
        for (int c = 0; c < 2; c++) {
            float[] got = r.resample(a.channel(c));
            assertEquals(n, got.length);
            float[] ref = java.util.Arrays.copyOfRange(want.data(), c * n, (c + 1) * n);
            assertTrue(AudioFixtures.maxAbsDiff(got, ref) <= TOLERANCE, "channel " + c);
        }
    }

    /**
     * Short clips (shorter than the filter) against the defining sum evaluated directly in double:
     * y[i·out + p] = Σ_k x[i·orig + k - w]·h_p(k), x = 0 outside the clip. This checks indexing and lengths at the
     * clip edges (an off-by-one is an O(1) error); precision is checked against torchaudio above. Our filter follows
     * torchaudio's float32 evaluation, whose t is off by up to ~base·1e-7 zero crossings, so each tap may differ
     * from the exact one by ~|h'|·δt < 5e-5 of the filter scale.
     */
    @ParameterizedTest
    @CsvSource({"44100,16000", "8000,16000", "48000,16000", "16000,44100"})
    void shortClipsMatchTheDefiningSum(int from, int to) {
        Resampler r = new Resampler(from, to);
        int g = java.math.BigInteger.valueOf(from).gcd(java.math.BigInteger.valueOf(to)).intValue();
        int orig = from / g, out = to / g;
        double base = Math.min(orig, out) * 0.99;
        int w = (int) Math.ceil(6 * orig / base);
        java.util.Random rnd = new java.util.Random(from + to);
        for (int n = 0; n <= 60; n++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
            float[] y = r.resample(x);
            assertEquals((long) Math.ceil((double) out * n / orig), y.length, "length for n=" + n);
            for (int o = 0; o < y.length; o++) {
                int i = o / out, p = o % out;
                double sum = 0, inputs = 0;
                for (int k = 0; k < 2 * w + orig; k++) {
                    int src = i * orig + k - w;
                    if (src < 0 || src >= n) continue;
                    double t = Math.max(-6, Math.min(6, ((double) (k - w) / orig - (double) p / out) * base));
                    double win = Math.cos(t * Math.PI / 12);
                    double h = (t == 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t)) * win * win * base / orig;
                    sum += x[src] * h;
                    inputs += Math.abs(x[src]);
                }
                assertEquals(sum, y[o], 1e-6 + 5e-5 * inputs * base / orig, "n=" + n + " output " + o);
            }
        }
    }

    @Test
    void equalRatesReturnTheInput() {
        float[] x = {1, 2, 3};
        assertSame(x, new Resampler(16000, 16000).resample(x));
    }

    @Test
    void rejectsRatesThatWouldNeedAHugeFilterBank() {
        assertThrows(IllegalArgumentException.class, () -> new Resampler(0, 16000));
        assertThrows(IllegalArgumentException.class, () -> new Resampler(Integer.MAX_VALUE, 16000));
    }
}
