package dev.mast.train;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test helper: locating test resources on the file system and reading their .npy files. */
public final class TestResources {
    private TestResources() {}

    /** The file system path of test resource {@code name} (e.g. "dev/mast/train/loss/ce_hard/loss.npy"). */
    public static Path path(String name) {
        URL url = TestResources.class.getClassLoader().getResource(name);
        if (url == null) throw new IllegalArgumentException("no test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A float32 or float64 .npy test resource as an array. */
    public static NpyArray npy(String name) {
        try {
            return Npy.read(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
