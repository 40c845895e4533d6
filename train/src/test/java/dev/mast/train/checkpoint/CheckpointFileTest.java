package dev.mast.train.checkpoint;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CheckpointFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripWithMetadataAndStridedViews() throws Exception {
        Path file = dir.resolve("state.safetensors");
        try (TensorArena arena = new TensorArena()) {
            float[] big = new float[300_000]; // larger than one copy chunk
            for (int i = 0; i < big.length; i++) big[i] = i * 0.5f - 7;
            Tensor a = arena.copyOf(big, 600, 500);
            Tensor matrix = arena.copyOf(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            StateDict s = new StateDict()
                    .put("a.big", a)
                    .put("transposed", matrix.transpose(0, 1))
                    .put("scalar", arena.copyOf(new float[] {42}))
                    .put("empty", arena.allocate(0, 4))
                    .putMetadata("format", "test")
                    .putMetadata("note", "quote \" and\nnewline");
            CheckpointFile.write(file, s);
        }
        try (Arena arena = Arena.ofConfined()) {
            StateDict back = CheckpointFile.read(file, arena);
            assertEquals(List.of("a.big", "transposed", "scalar", "empty"), List.copyOf(back.tensors().keySet()));
            float[] big = back.tensor("a.big", new int[] {600, 500}).toArray();
            assertEquals(-7f, big[0]);
            assertEquals(299_999 * 0.5f - 7, big[299_999]);
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.tensor("transposed", new int[] {3, 2}).toArray());
            assertArrayEquals(new float[] {42}, back.tensor("scalar").toArray());
            assertEquals(0, back.tensor("empty").size());
            assertEquals("quote \" and\nnewline", back.metadata("note"));
            assertEquals(file.toString(), back.source());
            var e = assertThrows(FileFormatException.class, () -> back.tensor("scalar", new int[] {2}));
            assertEquals(file + ": tensor 'scalar' has shape [], expected [2]", e.getMessage());
        }
        // the header is padded so that the data starts 8-byte aligned, and no temporary file is left behind
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void readsAnUnpaddedHeader() throws Exception {
        // The spec allows any header length; files from PyTorch are read in AdamWTest (the MAST fixtures).
        String header = "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}";
        Path file = write(header, new float[] {1, 2});
        try (Arena arena = Arena.ofConfined()) {
            StateDict s = CheckpointFile.read(file, arena);
            assertArrayEquals(new float[] {1, 2}, s.tensor("w").toArray());
            assertEquals("v", s.metadata("k"));
        }
    }

    private Path write(String header, float[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float f : data) b.putFloat(f);
        Path file = dir.resolve("f" + System.nanoTime() + ".safetensors");
        Files.write(file, b.array());
        return file;
    }

    private String readError(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            return assertThrows(FileFormatException.class, () -> CheckpointFile.read(file, arena)).getMessage();
        }
    }

    @Test
    void hostileOrBrokenFilesGiveOneLineErrors() throws Exception {
        Path f = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,8]}}", new float[2]);
        assertEquals(f + ": tensor 'w': F32[1000000, 1000000] needs 4000000000000 bytes but data_offsets [0, 8] span 8",
                readError(f));
        f = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new float[2]);
        assertEquals(f + ": tensor 'w': data_offsets [0, 16] run past the end of the 8-byte data section"
                + " (truncated file?)", readError(f));
        f = write("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", new float[2]);
        assertEquals(f + ": tensor 'w' has dtype F16 (only F32 is supported)", readError(f));
        f = write("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new float[2]);
        assertEquals(f + ": tensors 'a' and 'b' overlap", readError(f));
        f = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", new float[2]);
        assertEquals(f + ": bad header: header.w.shape[0]: -1 is out of range [0, 2147483647]", readError(f));
        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        assertEquals(huge + ": header length 9223372036854775807 runs past the end of the 16-byte file",
                readError(huge));
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertEquals(tiny + ": too short for a safetensors file (3 bytes)", readError(tiny));
        assertEquals(dir.resolve("missing") + ": no such file", readError(dir.resolve("missing")));
        Path notJson = write("{\"w\": nope}", new float[0]);
        assertEquals(notJson + ": bad header: invalid JSON at line 1, column 7: unexpected character 'n'",
                readError(notJson));
    }
}
