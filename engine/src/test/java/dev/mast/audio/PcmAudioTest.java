package dev.mast.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PcmAudioTest {
    @Test
    void interleavedShortsRoundTrip() {
        short[] pcm = {0, 1, -1, 32767, -32768, 1000};
        PcmAudio a = PcmAudio.ofInterleaved(pcm, 2, 8000);
        assertEquals(3, a.frames());
        assertArrayEquals(new float[] {0, -1 / 32768f, -1f}, a.channel(0));
        assertArrayEquals(pcm, a.interleavedShorts());
        assertArrayEquals(PcmAudio.ofInterleaved(a.interleaved(), 2, 8000).channel(1), a.channel(1));
    }

    @Test
    void shortsClampWhenFloatAudioExceedsFullScale() {
        assertArrayEquals(new short[] {32767, -32768}, PcmAudio.ofMono(new float[] {1.5f, -2f}, 16000).interleavedShorts());
    }

    @Test
    void monoIsTheChannelMean() {
        PcmAudio a = new PcmAudio(16000, new float[][] {{1, 2}, {3, 4}, {5, 9}});
        assertArrayEquals(new float[] {3, 5}, a.mono());
        float[] only = {1, 2};
        assertSame(only, PcmAudio.ofMono(only, 8000).mono());
    }

    @Test
    void rejectsInconsistentInput() {
        assertThrows(IllegalArgumentException.class, () -> PcmAudio.ofInterleaved(new short[3], 2, 8000));
        assertThrows(IllegalArgumentException.class, () -> new PcmAudio(0, new float[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> new PcmAudio(8000, new float[][] {{1}, {1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> new PcmAudio(8000, new float[0][]));
    }
}
