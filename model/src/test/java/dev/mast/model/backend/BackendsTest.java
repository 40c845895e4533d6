package dev.mast.model.backend;

import dev.mast.model.ClassifierOptions;
import dev.mast.nativelib.onednn.DnnlLibrary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Backend choice by name. (The fallback without oneDNN, which needs a JVM without the dnnl jar, is checked
 * end to end by the CLI's BackendOptionTest.)
 */
class BackendsTest {
    @Test
    void namedBackends() {
        List<String> notices = new ArrayList<>();
        try (Backend java = Backends.create("java", 2, notices::add)) {
            assertInstanceOf(JavaBackend.class, java);
            assertEquals(2, java.pool().threads());
        }
        if (DnnlLibrary.isAvailable()) {
            try (Backend dnnl = Backends.create("onednn", 1, notices::add)) {
                assertEquals("onednn", dnnl.name());
                assertEquals(1, dnnl.pool().threads());
            }
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Backends.create("onednn", 1, notices::add));
            assertTrue(e.getMessage().startsWith("oneDNN"), e.getMessage());
        }
        assertEquals(List.of(), notices, "naming a backend prints nothing");
    }

    @Test
    void theDefaultIsTheFastestAvailable() {
        List<String> notices = new ArrayList<>();
        try (Backend chosen = Backends.create(null, 2, notices::add)) {
            if (DnnlLibrary.isAvailable()) {
                assertEquals("onednn", chosen.name());
                assertEquals(List.of(), notices);
            } else {
                assertEquals("java", chosen.name());
                assertEquals(1, notices.size(), notices.toString());
                assertTrue(notices.getFirst().endsWith("; running on the Java backend"), notices.getFirst());
            }
        }
    }

    @Test
    void badNamesAndThreadCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("cuda", 1));
        assertEquals("unknown backend 'cuda' (expected java or onednn)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.create("java", 0));
        assertNull(Backends.checkName(null));
        assertEquals("onednn", Backends.checkName("onednn"));
        assertThrows(IllegalArgumentException.class, () -> ClassifierOptions.defaults().withBackend("gpu"));
        assertEquals("java", ClassifierOptions.defaults().withBackend("java").backend());
        assertNull(ClassifierOptions.defaults().backend(), "default: the fastest available");
    }
}
