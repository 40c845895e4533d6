package dev.mast.train.features;

import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.data.Clip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An on-disk cache of un-normalised clip features, shared by runs: one file per (audio content, segment, front end).
 *
 * <p><b>Key.</b> SHA-256 over the audio file's bytes, the clip's segment and the front end's
 * {@link ExampleAugmenter.FrontEnd#cacheKey() cacheKey} (kind, bins, frames, version). Keying on content rather than
 * on the path or modification time means an edited, replaced or re-generated file can never be served stale
 * features, a copied data set reuses its entries, and any change of front-end settings misses. Hashing costs one
 * read of the file, far less than the fbank it saves.
 *
 * <p><b>Entries.</b> {@code DIR/<key hex>.f32}: the magic {@code MASTFC01}, frames and bins (int32 little-endian),
 * then the float32 values. An entry is written to a temporary file and renamed into place, so concurrent writers
 * (worker threads, other runs) and crashes leave either no entry or a whole one; an entry of the wrong size or shape
 * is ignored and rewritten. Stale entries are never deleted: remove the folder to reclaim the space.
 *
 * <p>Thread-safe.
 */
public final class FeatureCache {
    /** Computes features on a cache miss. */
    @FunctionalInterface
    public interface Computation {
        float[] compute() throws IOException;
    }

    private static final byte[] MAGIC = "MASTFC01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 8;

    private final Path dir;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** A cache in {@code dir}, created if missing. */
    public FeatureCache(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IOException(dir + ": not a folder (feature cache)");
        Files.createDirectories(dir);
        this.dir = dir;
    }

    /**
     * The features of {@code clip} of audio file {@code file} through {@code frontEnd} (which must have a cache key):
     * from the cache, or from {@code computation}, whose result is then stored. Returns a new array.
     */
    public float[] features(Path file, Clip clip, ExampleAugmenter.FrontEnd frontEnd, Computation computation)
            throws IOException {
        String frontEndKey = frontEnd.cacheKey();
        if (frontEndKey == null) throw new IllegalArgumentException("this front end's features cannot be cached");
        Path entry = dir.resolve(key(file, clip, frontEndKey) + ".f32");
        float[] cached = read(entry, frontEnd.frames(), frontEnd.bins());
        if (cached != null) {
            hits.incrementAndGet();
            return cached;
        }
        misses.incrementAndGet();
        float[] features = computation.compute();
        write(entry, features, frontEnd.frames(), frontEnd.bins());
        return features;
    }

    /** Lookups served from the cache so far. */
    public long hits() {
        return hits.get();
    }

    /** Lookups that computed the features so far. */
    public long misses() {
        return misses.get();
    }

    private static String key(Path file, Clip clip, String frontEndKey) throws IOException {
        MessageDigest outer = sha256();
        outer.update((frontEndKey + "\n" + clip.offset() + "\n" + clip.length() + "\n").getBytes(StandardCharsets.UTF_8));
        outer.update(contentHash(file));
        return HexFormat.of().formatHex(outer.digest());
    }

    private static byte[] contentHash(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
        return md.digest();
    }

    /** A new SHA-256 digest (the cache keys' hash, also used to fingerprint a data set's listing). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e); // every JDK must have it
        }
    }

    /** The entry's values, or null if there is no usable entry. */
    private static float[] read(Path entry, int frames, int bins) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry);
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != HEADER + 4L * frames * bins) return null;
        for (byte m : MAGIC) {
            if (b.get() != m) return null;
        }
        if (b.getInt() != frames || b.getInt() != bins) return null;
        float[] out = new float[frames * bins];
        b.asFloatBuffer().get(out);
        return out;
    }

    private void write(Path entry, float[] features, int frames, int bins) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * features.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(frames).putInt(bins);
        b.asFloatBuffer().put(features);
        Path tmp = Files.createTempFile(dir, ".entry.", ".tmp");
        try {
            Files.write(tmp, b.array());
            Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(dir + ": the file system cannot rename atomically (feature cache)");
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
