package dev.mast.engine.io;

import dev.mast.engine.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors as a safetensors file (all {@code F32}, little-endian, in the given order, header padded
 * with spaces to a multiple of 8 bytes so that every tensor starts 8-byte aligned).
 *
 * <p>The file appears atomically ({@link AtomicFile}: temporary file, fsync, rename, fsync of the folder), so a
 * reader never sees a half-written file, and a failed write, or a process killed at any moment, leaves the old file
 * in place.
 */
public final class SafetensorsWriter {
    private static final long CHUNK = 1L << 30;

    private SafetensorsWriter() {}

    /**
     * @param tensors  name to tensor (any strides), in the order to write
     * @param metadata strings stored under {@code __metadata__} (may be empty)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put(Safetensors.METADATA_KEY, new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(Safetensors.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + Safetensors.METADATA_KEY);
            }
            long bytes = e.getValue().size() * Float.BYTES;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", e.getValue().shape());
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, head);
            for (Tensor t : tensors.values()) writeTensor(ch, t);
        });
    }

    private static void writeTensor(FileChannel ch, Tensor t) throws IOException {
        if (t.isContiguous() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            MemorySegment run = t.storage().asSlice(t.offset() * Float.BYTES, t.size() * Float.BYTES);
            // ByteBuffers hold at most 2 GiB: write big tensors in slices.
            for (long pos = 0; pos < run.byteSize(); pos += CHUNK) {
                AtomicFile.writeFully(ch, run.asSlice(pos, Math.min(CHUNK, run.byteSize() - pos)).asByteBuffer());
            }
            return;
        }
        // Strided views (and big-endian hosts) go through a bounded buffer in file order.
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0, n = t.size(); i < n; i++) {
            if (!buf.hasRemaining()) {
                AtomicFile.writeFully(ch, buf.flip());
                buf.clear();
            }
            buf.putFloat(t.getFlat(i));
        }
        AtomicFile.writeFully(ch, buf.flip());
    }
}
