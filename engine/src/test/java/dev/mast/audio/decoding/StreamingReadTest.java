package dev.mast.audio.decoding;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.PcmAudio;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Reading a stream piece by piece gives the same samples as decoding it whole. */
class StreamingReadTest {
    @ParameterizedTest
    @ValueSource(strings = {"fbank/odd_44k1_s24_stereo.wav", "decoding/wav/s16_6ch_extensible.wav",
            "decoding/flac/s16_stereo_midside.flac", "decoding/flac/s16_6ch.flac"})
    void chunkedReadsEqualWholeDecode(String file) throws IOException {
        PcmAudio whole = AudioDecoders.decode(AudioFixtures.path(file));
        int ch = whole.channelCount(), n = whole.frames();
        float[][] got = new float[ch][n];
        float[] mono = new float[n];
        try (AudioStream s = AudioDecoders.open(AudioFixtures.path(file))) {
            assertEquals(whole.sampleRate(), s.sampleRate());
            int at = 0, step = 1;
            while (true) {
                int r = s.read(got, at, Math.min(step, n - at + 1));
                if (r == 0) break;
                at += r;
                step = step * 3 + 1; // uneven pieces, crossing block and frame boundaries
            }
            assertEquals(n, at);
        }
        for (int c = 0; c < ch; c++) assertArrayEquals(whole.channel(c), got[c]);
        try (AudioStream s = AudioDecoders.open(AudioFixtures.path(file))) {
            int at = 0;
            for (int r; (r = s.readMono(mono, at, Math.min(1000, n - at))) > 0; ) at += r;
            assertEquals(n, at);
        }
        assertArrayEquals(whole.mono(), mono);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fbank/odd_44k1_s24_stereo.wav", "decoding/flac/s16_block_odd.flac"})
    void skipThenReadGivesTheLaterSamples(String file) throws IOException {
        PcmAudio whole = AudioDecoders.decode(AudioFixtures.path(file));
        try (AudioStream s = AudioDecoders.open(AudioFixtures.path(file))) {
            assertEquals(1234, s.skip(1234));
            float[][] got = new float[s.channelCount()][500];
            assertEquals(500, s.read(got, 0, 500));
            assertArrayEquals(Arrays.copyOfRange(whole.channel(1), 1234, 1734), got[1]);
            long rest = s.skip(Long.MAX_VALUE);
            assertEquals(whole.frames() - 1734, rest);
            assertEquals(0, s.read(got, 0, 500));
        }
    }
}
