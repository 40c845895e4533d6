package dev.mast.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class NpyTest {
    @TempDir
    Path dir;

    /** A .npy file as NumPy writes it (header written by hand here, independent of the writer under test). */
    private Path npy(String descr, boolean fortran, String shape, byte[] payload) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int len = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - len % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII)).put(payload);
        Path p = Files.createTempFile(dir, "a", ".npy");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void roundTripsFloat32() throws IOException {
        Path p = dir.resolve("x.npy");
        float[] data = {1, 2, 3, 4, 5, 6};
        Npy.write(p, new int[] {2, 3}, data);
        NpyArray a = Npy.read(p);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(data, a.data());
        assertEquals(0, (Files.size(p) - 24) % 64, "header padded to 64 bytes as NumPy does");
    }

    @Test
    void readsFloat64AndFortranOrder() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        // Fortran order of [[1,2,3],[4,5,6]] is 1,4,2,5,3,6
        for (double v : new double[] {1, 4, 2, 5, 3, 6}) d.putDouble(v);
        NpyArray a = Npy.read(npy("<f8", true, "(2, 3)", d.array()));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.data());
    }

    @Test
    void readsInt64Labels() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(3 * 8).order(ByteOrder.LITTLE_ENDIAN);
        d.putLong(4).putLong(0).putLong(2);
        assertArrayEquals(new long[] {4, 0, 2}, Npy.readLongs(npy("<i8", false, "(3,)", d.array())));
    }

    @Test
    void rejectsTruncatedAndHostileFiles() throws IOException {
        var e = assertThrows(FileFormatException.class, () -> Npy.read(npy("<f4", false, "(1000, 1000)", new byte[8])));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(FileFormatException.class, () -> Npy.read(npy(">f4", false, "(2,)", new byte[8])));
        assertThrows(FileFormatException.class,
                () -> Npy.read(npy("<f4", false, "(100000, 100000, 100000)", new byte[8])));
        Path junk = dir.resolve("junk.npy");
        Files.write(junk, "hello world, not numpy".getBytes(StandardCharsets.US_ASCII));
        assertThrows(FileFormatException.class, () -> Npy.read(junk));
        Path lying = dir.resolve("lying.npy");
        Files.write(lying, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, 0x7f});
        assertThrows(FileFormatException.class, () -> Npy.read(lying));
    }
}
