package dev.mast.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.mast.audio.TestWavs.chunk;
import static dev.mast.audio.TestWavs.fmt;
import static dev.mast.audio.TestWavs.riff;

/** Test audio on the decoder's float scale, and a float WAV writer (16-bit WAVs and tones: {@code TestWavs}). */
final class TestClips {
    private TestClips() {}

    /** The samples on the decoder's float scale (x / 32768), so that a WAV of them decodes to the same floats. */
    static float[] floats(short[] pcm) {
        float[] out = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) out[i] = pcm[i] / 32768f;
        return out;
    }

    /** Writes a mono 32-bit float WAV (format tag 3); its values are kept as they are, NaN included. */
    static Path writeFloatWav(Path file, float[] samples, int rate) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : samples) data.putFloat(v);
        return Files.write(file, riff(chunk("fmt ", fmt(3, 1, rate, 32, 4)), chunk("data", data.array())));
    }
}
