package dev.mast.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Deterministic test audio (tones with a little noise) and a minimal 16-bit PCM WAV writer. */
final class TestClips {
    private TestClips() {}

    /** 16-bit samples of a {@code hz} tone with a seeded noise floor, scaled by 1/32768 when used as floats. */
    static short[] tone(double hz, int samples, int rate, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            double v = 0.4 * Math.sin(2 * Math.PI * hz * i / rate) + 0.02 * rng.nextGaussian();
            out[i] = (short) Math.round(Math.max(-1, Math.min(1, v)) * 32767);
        }
        return out;
    }

    /** The samples on the decoder's float scale (x / 32768), so that a WAV of them decodes to the same floats. */
    static float[] floats(short[] pcm) {
        float[] out = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) out[i] = pcm[i] / 32768f;
        return out;
    }

    /** Writes a mono 32-bit float WAV (format tag 3); its values are kept as they are, NaN included. */
    static Path writeFloatWav(Path file, float[] samples, int rate) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(44 + 4 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 4 * samples.length)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 3)
                .putShort((short) 1).putInt(rate).putInt(4 * rate).putShort((short) 4).putShort((short) 32)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(4 * samples.length);
        for (float v : samples) b.putFloat(v);
        Files.write(file, b.array());
        return file;
    }

    /** Writes a mono 16-bit PCM WAV. */
    static Path writeWav(Path file, short[] pcm, int rate) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * pcm.length)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * pcm.length);
        for (short s : pcm) b.putShort(s);
        Files.write(file, b.array());
        return file;
    }
}
