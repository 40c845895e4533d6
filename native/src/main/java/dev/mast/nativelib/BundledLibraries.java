package dev.mast.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Native libraries shipped as class-path resources (inside a jar), copied once to a cache folder on disk so that
 * the dynamic loader can map them.
 *
 * <p>The folder is {@code <root>/<key>/}, where the key is a SHA-256 prefix over the name, size and CRC-32 of each
 * library: the content of the libraries, read from the jar's directory without inflating them. A new version of
 * the jar therefore gets a new folder, and an unchanged one reuses the existing files. The root is the system
 * property {@code mast.native.cache} if set, else {@code $XDG_CACHE_HOME/mast/native}, else
 * {@code ~/.cache/mast/native}.
 *
 * <p>Extraction is atomic: the files are written to a private temporary folder next to the final one, which is
 * then renamed into place. Two processes that race both extract, one rename wins and the other discards its copy,
 * so no process ever sees a half-written library. Reused files are checked against the recorded size and CRC-32
 * (a few milliseconds), and a damaged folder is replaced.
 */
public final class BundledLibraries {
    private static final int KEY_HEX_DIGITS = 16;

    private BundledLibraries() {}

    /** One library: its resource path on the class path and the file name it gets on disk. */
    public record Library(String resource, String fileName) {}

    /** The default cache root (see the class comment). */
    public static Path defaultRoot() {
        String prop = System.getProperty("mast.native.cache");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mast").resolve("native");
    }

    /**
     * Makes sure every library is on disk under {@code root} and returns their paths, in order.
     *
     * @throws IOException when a resource is missing or the cache cannot be written; the message says which
     */
    public static List<Path> extract(Path root, ClassLoader loader, List<Library> libraries) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (Library lib : libraries) sources.add(Source.of(loader, lib));
        Path dir = root.resolve(key(sources));
        if (!isIntact(dir, sources)) {
            Files.createDirectories(root);
            if (Files.exists(dir)) discard(root, dir);
            install(root, dir, sources);
        }
        List<Path> paths = new ArrayList<>();
        for (Source s : sources) paths.add(dir.resolve(s.library.fileName()));
        return paths;
    }

    /** A library resource with the size and CRC-32 of its content. */
    private record Source(Library library, URL url, long size, long crc) {
        static Source of(ClassLoader loader, Library lib) throws IOException {
            URL url = loader.getResource(lib.resource());
            if (url == null) throw new IOException("resource " + lib.resource() + " is not on the class path");
            URLConnection conn = url.openConnection();
            if (conn instanceof JarURLConnection jar) {
                conn.setUseCaches(false);
                ZipEntry e = jar.getJarEntry();
                jar.getJarFile().close();
                if (e.getSize() >= 0 && e.getCrc() >= 0) return new Source(lib, url, e.getSize(), e.getCrc());
            }
            // Not in a jar (an exploded class-path folder): read the content once.
            CRC32 crc = new CRC32();
            long size = 0;
            try (InputStream in = url.openStream()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; size += n) crc.update(buf, 0, n);
            }
            return new Source(lib, url, size, crc.getValue());
        }
    }

    private static String key(List<Source> sources) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Source s : sources) {
                sha.update((s.library.fileName() + '\0' + s.size + '\0' + s.crc + '\n').getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, KEY_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static boolean isIntact(Path dir, List<Source> sources) throws IOException {
        for (Source s : sources) {
            Path f = dir.resolve(s.library.fileName());
            if (!Files.isRegularFile(f) || Files.size(f) != s.size || crc(f) != s.crc) return false;
        }
        return true;
    }

    private static long crc(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            CRC32 crc = new CRC32();
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) > 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
            return crc.getValue();
        }
    }

    private static void install(Path root, Path dir, List<Source> sources) throws IOException {
        Path tmp = Files.createTempDirectory(root, ".extract-");
        try {
            for (Source s : sources) {
                Path f = tmp.resolve(s.library.fileName());
                try (InputStream in = s.url.openStream()) {
                    Files.copy(in, f);
                }
                if (Files.size(f) != s.size || crc(f) != s.crc) {
                    throw new IOException("extracted " + s.library.resource() + " does not match its jar entry");
                }
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // The rename fails when another process installed the same libraries first: use theirs.
                if (!isIntact(dir, sources)) throw e;
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /** Moves a damaged folder out of the way (atomically, so concurrent readers see old or nothing) and deletes it. */
    private static void discard(Path root, Path dir) throws IOException {
        Path trash = Files.createTempDirectory(root, ".discard-");
        Path moved = trash.resolve("old");
        try {
            Files.move(dir, moved, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            // Another process discarded it already.
        }
        deleteTree(trash);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
