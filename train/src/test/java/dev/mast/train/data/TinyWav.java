package dev.mast.train.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test-only: writes minimal 16 kHz mono 16-bit PCM WAV files and counts their samples from the file size. */
final class TinyWav {
    private static final int HEADER = 44;

    private TinyWav() {}

    /** Writes {@code samples} samples of a quiet ramp to {@code file} (parent folders created). */
    static Path write(Path file, int samples) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer b = ByteBuffer.allocate(HEADER + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * samples);
        for (int i = 0; i < samples; i++) b.putShort((short) (i % 200 - 100));
        Files.write(file, b.array());
        return file;
    }

    /** Samples of a file written by {@link #write}. */
    static long samples(Path file) throws IOException {
        return (Files.size(file) - HEADER) / 2;
    }
}
