package dev.mast.audio.features;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.ClipTooShortException;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.engine.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The librosa-style log-mel against the float64 numpy reference of librosa/make_librosa_fixtures.py. */
class LibrosaLogMelTest {
    private static float[] wave(String name) throws IOException {
        return AudioDecoders.decode(AudioFixtures.path("fbank/" + name + ".wav")).channel(0);
    }

    private static void assertClose(LogMel got, NpyArray want, String what) {
        assertArrayEquals(want.shape(), new int[] {got.frames(), got.bins()}, what + " shape");
        double d = AudioFixtures.maxAbsDiff(got.data(), want.data());
        assertTrue(d <= 2e-3, what + ": max |diff| " + d + " > 2e-3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes_16k_s16_mono", "tone_short_16k_s16_mono", "silence_16k_s16_mono",
            "sentence_16k_s16_mono"})
    void matchesNumpyReference(String name) throws IOException {
        assertClose(new LibrosaLogMel().compute(wave(name)), AudioFixtures.npy("librosa/" + name + ".npy"), name);
    }

    @Test
    void clipShorterThanThePaddingReflectsLikeNumpy() throws IOException {
        float[] x = Arrays.copyOf(wave("yes_16k_s16_mono"), 300);
        assertClose(new LibrosaLogMel().compute(x), AudioFixtures.npy("librosa/short300.npy"), "short300");
    }

    @Test
    void frameCountFollowsTheCentredStft() {
        assertEquals(101, LibrosaLogMel.frameCount(16000));
        assertEquals(96, LibrosaLogMel.frameCount(15200));
    }

    @Test
    void rejectsEmptyClip() {
        assertThrows(ClipTooShortException.class, () -> new LibrosaLogMel().compute(new float[1]));
    }
}
