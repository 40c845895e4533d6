package dev.mast.engine.io;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir
    Path dir;

    /**
     * A file from a literal header (space-padded to 8 bytes, as writers do) and payload, built by hand
     * (independent of the writer under test).
     */
    private Path file(String header, byte[] payload) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(h, (h.length + 7) & ~7);
        java.util.Arrays.fill(padded, h.length, padded.length, (byte) ' ');
        return raw(padded.length, padded, payload);
    }

    private Path raw(long declaredHeaderLength, byte[] header, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(header).put(payload);
        Path p = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private String failure(Path p) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsF32ZeroCopyWithMetadata() throws IOException {
        Path p = file("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],"
                + "\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[16,20]}}",
                floats(1, 2, 3, 4, 5));
        try (Safetensors st = Safetensors.open(p)) {
            assertEquals(List.of("a", "b"), List.copyOf(st.names()));
            assertEquals(Map.of("format", "pt"), st.metadata());
            Tensor a = st.tensor("a");
            assertArrayEquals(new int[] {2, 2}, a.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4}, a.toArray());
            assertEquals(5f, st.tensor("b").getFlat(0));
            assertThrows(IllegalArgumentException.class, () -> a.set(0f, 0, 0), "mapping is read-only");
            assertThrows(FileFormatException.class, () -> st.tensor("missing"));
        }
    }

    @Test
    void convertsOtherFloatTypesAndMisalignedF32() throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(8 + 4 + 4 + 1 + 4).order(ByteOrder.LITTLE_ENDIAN);
        payload.putDouble(-2.5);                                   // F64 [0, 8)
        payload.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f)); // F16 [8, 12)
        payload.putShort((short) (Float.floatToIntBits(3.0f) >>> 16));                       // BF16 [12, 14)
        payload.putShort((short) 0);                                                          // gap [14, 16)
        payload.put((byte) 0);                                                                // gap [16, 17)
        payload.putFloat(7.25f);                                                              // F32 at 17
        Path p = file("{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[12,14]},"
                + "\"odd\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[17,21]},"
                + "\"i\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[16,17]}}", payload.array());
        try (Safetensors st = Safetensors.open(p); TensorArena arena = new TensorArena()) {
            assertEquals(-2.5f, st.tensor("d", arena.arena()).getFlat(0));
            assertArrayEquals(new float[] {1.5f, -0.25f}, st.tensor("h", arena.arena()).toArray());
            assertEquals(3.0f, st.tensor("bf", arena.arena()).getFlat(0));
            assertFalse(st.isZeroCopy("odd"));
            assertThrows(FileFormatException.class, () -> st.tensor("odd"));
            assertEquals(7.25f, st.tensor("odd", arena.arena()).getFlat(0));
            FileFormatException e = assertThrows(FileFormatException.class, () -> st.tensor("i", arena.arena()));
            assertTrue(e.getMessage().contains("has dtype I8"), e.getMessage());
        }
    }

    @Test
    void writerRoundTripsAndIsAtomic() throws IOException {
        try (TensorArena arena = new TensorArena()) {
            Tensor a = arena.copyOf(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Map<String, Tensor> ts = new LinkedHashMap<>();
            ts.put("a.t", a.transpose(0, 1));     // strided: written in C order of the view
            ts.put("b", arena.copyOf(new float[] {9}, 1));
            ts.put("empty", arena.allocate(0, 4));
            Path p = dir.resolve("m.safetensors");
            Files.writeString(p, "old content");
            SafetensorsWriter.write(p, ts, Map.of("config", "{\"x\": 1}"));
            try (Safetensors st = Safetensors.open(p)) {
                assertEquals(List.of("a.t", "b", "empty"), List.copyOf(st.names()));
                assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, st.tensor("a.t").toArray());
                assertArrayEquals(new int[] {3, 2}, st.tensor("a.t").shape());
                assertArrayEquals(new float[] {9}, st.tensor("b").toArray());
                assertEquals(0, st.tensor("empty").size());
                assertEquals("{\"x\": 1}", st.metadata().get("config"));
                assertTrue(st.isZeroCopy("b"));
            }
            try (var files = Files.list(dir)) {
                assertEquals(List.of(p), files.toList(), "no temporary file left behind");
            }
        }
    }

    @Test
    void rejectsHugeHeaderLength() throws IOException {
        assertTrue(failure(raw(Long.MAX_VALUE, new byte[] {'{', '}'}, new byte[0])).contains("runs past the end"));
        assertTrue(failure(raw(-1L, new byte[] {'{', '}'}, new byte[0])).contains("18446744073709551615"));
        // Declared length within the file but above the cap: must not be allocated.
        Path big = dir.resolve("big.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200L << 20), 0);
            ch.write(ByteBuffer.wrap(new byte[] {' '}), (200L << 20) + 8); // sparse file of 200 MiB
        }
        assertTrue(failure(big).contains("exceeds the limit"));
    }

    @Test
    void rejectsShortAndTruncatedFiles() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(failure(tiny).contains("too short"));
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertTrue(failure(file(h, floats(1, 2, 3))).contains("run past the end"));
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        assertTrue(failure(raw(hb.length + 10, hb, new byte[0])).contains("runs past the end"));
    }

    @Test
    void rejectsBadEntries() throws IOException {
        byte[] data = floats(1, 2, 3, 4);
        String[][] cases = {
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,20]}}", "needs 16 bytes"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,16]}}", "out of range"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,16]}}",
                        "overflows"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,16]}}", "out of range"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1e300],\"data_offsets\":[0,16]}}", "expected an integer"},
                {"{\"a\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,16]}}", "needs 32 bytes"},
                {"{\"a\":{\"dtype\":\"F31\",\"shape\":[4],\"data_offsets\":[0,16]}}", "unknown dtype 'F31'"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", "run backwards"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0]}}", "must be [begin, end]"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-4,12]}}", "out of range"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", "overlap"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", "missing field \"data_offsets\""},
                {"{\"a\":[1,2]}", "expected a JSON object"},
                {"[1,2]", "expected a JSON object"},
                {"{\"__metadata__\":{\"k\":1}}", "expected a string"},
                {"{\"a\":", "invalid JSON"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "duplicate key"},
                {"[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "nesting deeper"},
        };
        for (String[] c : cases) {
            String msg = failure(file(c[0], data));
            assertTrue(msg.contains(c[1]), c[0] + " -> " + msg);
        }
        byte[] badUtf8 = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};
        assertTrue(failure(raw(badUtf8.length, badUtf8, new byte[0])).contains("not valid UTF-8"));
    }
}
