package dev.mast.audio;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test resources under {@code dev/mast/audio/} and comparisons used by the audio tests. */
public final class AudioFixtures {
    private AudioFixtures() {}

    /** A file under the test resources folder {@code dev/mast/audio/}. */
    public static Path path(String relative) {
        URL url = AudioFixtures.class.getResource("/dev/mast/audio/" + relative);
        if (url == null) throw new IllegalArgumentException("missing test resource dev/mast/audio/" + relative);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static NpyArray npy(String relative) {
        try {
            return Npy.read(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest |a[i] - b[i]|; the arrays must have the same length. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
