package dev.mast.audio.features;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.PcmAudio;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.engine.io.NpyArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/** Kaldi fbank against torchaudio 0.13.1 ({@code fbank/*}/fbank.npy, computed in float32 by the reference). */
class KaldiFbankParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"clip10s_16k_s16_mono", "sentence_16k_s16_mono", "silence_16k_s16_mono",
            "tone_short_16k_s16_mono", "yes_16k_s16_mono"})
    void matchesTorchaudioOn16kHzFiles(String name) throws IOException {
        PcmAudio audio = AudioDecoders.decode(AudioFixtures.path("fbank/" + name + ".wav"));
        LogMel got = new KaldiFbank().compute(audio.channel(0));
        NpyArray want = AudioFixtures.npy("fbank/" + name + "/fbank.npy");
        assertArrayEquals(want.shape(), new int[] {got.frames(), got.bins()});
        double d = AudioFixtures.maxAbsDiff(got.data(), want.data());
        System.out.printf("%s: max |diff| = %.3g%n", name, d);
        assertTrue(d <= 2e-3, name + ": max |diff| " + d + " > 2e-3");
    }
}
