package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.*;

class DnnlLibraryTest {
    @Test
    void loadsTheBundledOneDnnFromTheCache() throws Exception {
        DnnlLibrary lib = DnnlLibrary.load();
        assertSame(lib, DnnlLibrary.load());
        assertTrue(DnnlLibrary.isAvailable());
        assertEquals("3.13.0", lib.version());
        assertTrue(Files.isRegularFile(lib.directory().resolve("libdnnl.so.3")));
        assertTrue(Files.isRegularFile(lib.directory().resolve("libgomp.so.1")));
    }

    @Test
    void engineThreadCountBecomesOpenMpsOnTheCallingThread() throws Exception {
        try (DnnlEngine e1 = DnnlEngine.open(1); DnnlEngine e2 = DnnlEngine.open(2); TensorArena ar = new TensorArena()) {
            Tensor x = Fill.random(ar, 1, 3, 8), y = ar.allocate(3, 8);
            e2.softmax(x, y);
            assertEquals(2, e2.library().threads());
            e1.softmax(x, y);
            assertEquals(1, e1.library().threads());
            // Another thread gets the count of the engine it calls, whatever this one had.
            int[] seen = new int[1];
            Thread t = new Thread(() -> {
                e2.softmax(x, y);
                seen[0] = e2.library().threads();
            });
            t.start();
            t.join();
            assertEquals(2, seen[0]);
        }
    }

    @Test
    void openMpSpinsBrieflyUnlessTheUserChose() throws Throwable {
        DnnlLibrary.load();
        String user = System.getenv("GOMP_SPINCOUNT");
        String expected = user != null || System.getenv("OMP_WAIT_POLICY") != null ? user : DnnlLibrary.SPIN_COUNT;
        assertEquals(expected, nativeGetenv("GOMP_SPINCOUNT"));
    }

    @Test
    void closedEngineRefusesWork() throws Exception {
        DnnlEngine e = DnnlEngine.open(1);
        e.close();
        e.close(); // idempotent
        try (TensorArena ar = new TensorArena()) {
            Tensor x = ar.allocate(2, 3);
            var ex = assertThrows(IllegalStateException.class, () -> e.softmax(x, x));
            assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DnnlEngine.open(0));
    }

    /** The process environment as native code (libgomp) sees it; System.getenv is a snapshot taken at start-up. */
    private static String nativeGetenv(String name) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = (MemorySegment) getenv.invokeExact(a.allocateFrom(name));
            return v.equals(MemorySegment.NULL) ? null : v.reinterpret(64).getString(0);
        }
    }
}
