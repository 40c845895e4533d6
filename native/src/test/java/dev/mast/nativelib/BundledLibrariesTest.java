package dev.mast.nativelib;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class BundledLibrariesTest {
    /** A small library from the dnnl jar (oneDNN's own is 90 MB). */
    private static final BundledLibraries.Library GOMP =
            new BundledLibraries.Library("org/bytedeco/dnnl/linux-x86_64/libgomp.so.1", "libgomp.so.1");
    private static final ClassLoader LOADER = BundledLibrariesTest.class.getClassLoader();

    private static byte[] resourceBytes() throws IOException {
        try (InputStream in = LOADER.getResourceAsStream(GOMP.resource())) {
            assertNotNull(in, "the dnnl jar is on the test class path");
            return in.readAllBytes();
        }
    }

    @Test
    void extractsOnceIntoAContentKeyedFolderAndReusesIt(@TempDir Path root) throws IOException {
        Path first = BundledLibraries.extract(root, LOADER, List.of(GOMP)).getFirst();
        assertArrayEquals(resourceBytes(), Files.readAllBytes(first));
        assertEquals(root, first.getParent().getParent());
        assertTrue(first.getParent().getFileName().toString().matches("[0-9a-f]{16}"), first.toString());
        FileTime written = Files.getLastModifiedTime(first);
        Files.setLastModifiedTime(first, FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(first);
        assertEquals(first, BundledLibraries.extract(root, LOADER, List.of(GOMP)).getFirst());
        assertEquals(marked, Files.getLastModifiedTime(first), "an intact copy is reused, not rewritten");
        assertEquals(List.of(first.getParent()), listNonHidden(root));
    }

    @Test
    void replacesADamagedCopy(@TempDir Path root) throws IOException {
        Path lib = BundledLibraries.extract(root, LOADER, List.of(GOMP)).getFirst();
        byte[] bytes = Files.readAllBytes(lib);
        bytes[bytes.length / 2] ^= 1;
        Files.write(lib, bytes);
        Path again = BundledLibraries.extract(root, LOADER, List.of(GOMP)).getFirst();
        assertEquals(lib, again);
        assertArrayEquals(resourceBytes(), Files.readAllBytes(again));
        Files.write(lib, new byte[10]); // truncated
        assertArrayEquals(resourceBytes(), Files.readAllBytes(BundledLibraries.extract(root, LOADER, List.of(GOMP))
                .getFirst()));
        assertEquals(List.of(lib.getParent()), listNonHidden(root));
        assertEquals(0, listHidden(root).size(), "no temporary folders are left behind");
    }

    @Test
    void concurrentExtractionsAgreeOnOneIntactCopy(@TempDir Path root) throws Exception {
        int n = 4;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Path> task = () -> {
                    start.await();
                    return BundledLibraries.extract(root, LOADER, List.of(GOMP)).getFirst();
                };
                results.add(pool.submit(task));
            }
            Path first = results.getFirst().get();
            for (Future<Path> f : results) assertEquals(first, f.get());
            assertArrayEquals(resourceBytes(), Files.readAllBytes(first));
            assertEquals(0, listHidden(root).size(), "losers of the race discard their copies");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingResourceIsNamed(@TempDir Path root) {
        var e = assertThrows(IOException.class, () -> BundledLibraries.extract(root, LOADER,
                List.of(new BundledLibraries.Library("no/such/libfoo.so", "libfoo.so"))));
        assertTrue(e.getMessage().contains("no/such/libfoo.so"), e.getMessage());
    }

    @Test
    void unwritableCacheIsReported(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        var e = assertThrows(IOException.class, () -> BundledLibraries.extract(notADirectory.resolve("cache"), LOADER,
                List.of(GOMP)));
        assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
    }

    private static List<Path> listNonHidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static List<Path> listHidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
