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
