package dev.mast.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test audio: a mono 16-bit PCM WAV of a tone with a seeded noise floor, written byte by byte. */
final class ToneWavs {
    private ToneWavs() {}

    static Path write(Path file, double hz, int samples, int rate, long seed) throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            double v = 0.4 * Math.sin(2 * Math.PI * hz * i / rate) + 0.02 * rng.nextGaussian();
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        Files.write(file, b.array());
        return file;
    }
}
