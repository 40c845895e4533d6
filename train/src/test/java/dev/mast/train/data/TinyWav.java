package dev.mast.train.data;

import dev.mast.audio.TestWavs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test-only: writes minimal 16 kHz mono 16-bit PCM WAV files and counts their samples from the file size. */
final class TinyWav {
    private static final int HEADER = 44;

    private TinyWav() {}

    /** Writes {@code samples} samples of a quiet ramp to {@code file} (parent folders created). */
    static Path write(Path file, int samples) throws IOException {
        Files.createDirectories(file.getParent());
        short[] pcm = new short[samples];
        for (int i = 0; i < samples; i++) pcm[i] = (short) (i % 200 - 100);
        return TestWavs.writeMono16(file, pcm, 16000);
    }

    /** Samples of a file written by {@link #write}. */
    static long samples(Path file) throws IOException {
        return (Files.size(file) - HEADER) / 2;
    }
}
