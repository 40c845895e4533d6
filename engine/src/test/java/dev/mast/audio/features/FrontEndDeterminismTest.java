package dev.mast.audio.features;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.PcmAudio;
import dev.mast.audio.decoding.AudioDecoders;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The first call (interpreted) and later calls (JIT-compiled) give bit-identical features: nothing in the path
 * depends on an unspecified reduction order or on which math library runs.
 */
class FrontEndDeterminismTest {
    @Test
    void coldAndCompiledRunsAgreeBitForBit() throws IOException {
        PcmAudio a = AudioDecoders.decode(AudioFixtures.path("fbank/odd_44k1_s24_stereo.wav"));
        float[] shortClip = java.util.Arrays.copyOf(a.channel(0), 9000);
        AudioFrontEnd kaldi = AudioFrontEnd.kaldi(), librosa = AudioFrontEnd.librosa();
        float[] k0 = kaldi.fromSamples(shortClip, 44100).data(), l0 = librosa.fromSamples(shortClip, 44100).data();
        for (int i = 0; i < 400; i++) { // long enough for C2 to compile the hot loops
            kaldi.fromSamples(shortClip, 44100);
            librosa.fromSamples(shortClip, 44100);
        }
        assertArrayEquals(k0, kaldi.fromSamples(shortClip, 44100).data());
        assertArrayEquals(l0, librosa.fromSamples(shortClip, 44100).data());
    }
}
