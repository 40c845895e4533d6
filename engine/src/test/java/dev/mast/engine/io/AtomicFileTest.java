package dev.mast.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFileTest {
    @TempDir
    Path dir;

    private long entries() throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void replacesTheFileAndLeavesNoTemporary() throws IOException {
        Path target = dir.resolve("sub").resolve("model.safetensors");
        AtomicFile.writeString(target, "first");
        AtomicFile.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        try (var s = Files.list(target.getParent())) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void aFailingWriterKeepsTheOldFile() throws IOException {
        Path target = dir.resolve("run.json");
        AtomicFile.writeString(target, "old");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFile.write(target, ch -> {
            AtomicFile.writeFully(ch, java.nio.ByteBuffer.wrap("partial".getBytes()));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", thrown.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(1, entries());
    }

    @Test
    void theFileGetsTheUsualPermissionsNotOwnerOnly() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path target = dir.resolve("model.safetensors");
        AtomicFile.writeString(target, "x");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }
}
