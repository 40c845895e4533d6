package dev.mast.train.checkpoint;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.train.io.AtomicFile;
import dev.mast.train.io.Json;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a {@link StateDict} as a safetensors file: an 8-byte little-endian header length, a JSON header
 * ({@code __metadata__} string map, then per tensor {@code dtype "F32"}, {@code shape}, {@code data_offsets}), the
 * raw little-endian float32 data, tensors stored back to back in header order (the standard safetensors layout, as
 * {@code safetensors.torch.save_file} writes it).
 *
 * <p>Writing is atomic ({@link AtomicFile}: temporary file, fsync, rename, fsync of the folder), so a training run
 * killed at any moment leaves the previous checkpoint intact. Reading validates the header against the file size
 * before allocating anything, so a truncated or hostile file gives one {@link FileFormatException} line, never an
 * out-of-memory error. Only F32 tensors are supported, which is all that training writes.
 */
public final class CheckpointFile {
    private static final long MAX_HEADER = 100L << 20;
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int COPY_CHUNK = 1 << 20;

    private CheckpointFile() {}

    /** Atomically writes {@code state} to {@code file} (replacing it). */
    public static void write(Path file, StateDict state) throws IOException {
        StringBuilder h = new StringBuilder("{");
        h.append("\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : state.metadata().entrySet()) {
            if (!first) h.append(',');
            first = false;
            h.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
        }
        h.append('}');
        long offset = 0;
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            Tensor t = e.getValue();
            long bytes = t.size() * Float.BYTES;
            h.append(',').append(Json.quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) h.append(d == 0 ? "" : ",").append(shape[d]);
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data start stays 8-byte aligned, as the reference writer does
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, head);
            try (Arena scratch = Arena.ofConfined()) {
                MemorySegment buf = scratch.allocate(COPY_CHUNK, 64);
                for (Tensor t : state.tensors().values()) writeTensor(ch, t, buf);
            }
        });
    }

    private static void writeTensor(FileChannel ch, Tensor t, MemorySegment buf) throws IOException {
        int perChunk = (int) (buf.byteSize() / Float.BYTES);
        long n = t.size();
        if (!t.isContiguous()) {
            Tensor copy = Tensor.of(t.toArray(), t.shape());
            writeTensor(ch, copy, buf);
            return;
        }
        for (long done = 0; done < n; done += perChunk) {
            int count = (int) Math.min(perChunk, n - done);
            MemorySegment.copy(t.storage(), ValueLayout.JAVA_FLOAT, (t.offset() + done) * Float.BYTES,
                    buf, LE_FLOAT, 0, count);
            AtomicFile.writeFully(ch, buf.asSlice(0, (long) count * Float.BYTES).asByteBuffer());
        }
    }

    /** One header entry, validated. */
    private record Entry(String name, int[] shape, long begin, long end) {}

    /**
     * Reads every tensor of {@code file} into new contiguous tensors owned by {@code arena}, with the file's metadata.
     * The returned state dict names {@code file} in its error messages.
     */
    public static StateDict read(Path file, Arena arena) throws IOException {
        String src = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FileFormatException(src, "not a safetensors file (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, src);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new FileFormatException(src, "header length " + headerLen + " does not fit the " + size
                        + "-byte file");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, src);
            Map<String, Object> header = Json.parseObject(new String(hb.array(), StandardCharsets.UTF_8), src);
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;

            StateDict out = new StateDict(src);
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> meta)) {
                        throw new FileFormatException(src, "__metadata__ is not an object");
                    }
                    for (Map.Entry<?, ?> m : meta.entrySet()) {
                        if (!(m.getValue() instanceof String s)) {
                            throw new FileFormatException(src, "metadata entry '" + m.getKey() + "' is not a string");
                        }
                        out.putMetadata((String) m.getKey(), s);
                    }
                } else {
                    entries.add(entry(src, e.getKey(), e.getValue(), dataLen));
                }
            }
            checkNoOverlap(src, entries);
            // The mapping lives only while copying, so the file is not held open by the caller's arena.
            try (Arena mapArena = Arena.ofConfined()) {
                MemorySegment mapped = dataLen == 0 ? MemorySegment.NULL
                        : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen, mapArena);
                for (Entry e : entries) {
                    Tensor t = Tensor.allocate(arena, e.shape);
                    MemorySegment.copy(mapped, LE_FLOAT, e.begin, t.storage(), ValueLayout.JAVA_FLOAT, 0, t.size());
                    out.put(e.name, t);
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new FileFormatException(src, "no such file");
        }
    }

    private static Entry entry(String src, String name, Object value, long dataLen) throws FileFormatException {
        if (!(value instanceof Map<?, ?> m)) throw new FileFormatException(src, "entry '" + name + "' is not an object");
        if (!"F32".equals(m.get("dtype"))) {
            throw new FileFormatException(src, "tensor '" + name + "' has dtype " + m.get("dtype")
                    + " (only F32 is supported)");
        }
        if (!(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offs)
                || offs.size() != 2) {
            throw new FileFormatException(src, "tensor '" + name + "' lacks a shape or data_offsets");
        }
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (!(shapeList.get(d) instanceof Long dim) || dim < 0 || dim > Integer.MAX_VALUE) {
                throw new FileFormatException(src, "tensor '" + name + "' has a bad shape " + shapeList);
            }
            shape[d] = (int) (long) dim;
            // saturates: a count larger than the data is rejected below, whatever its exact value
            count = dim == 0 ? 0 : (count > dataLen / dim ? Long.MAX_VALUE : count * dim);
        }
        if (!(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)
                || begin < 0 || end < begin || end > dataLen) {
            throw new FileFormatException(src, "tensor '" + name + "' has data_offsets " + offs + " outside the "
                    + dataLen + " data bytes");
        }
        if (count == Long.MAX_VALUE || end - begin != count * Float.BYTES) {
            throw new FileFormatException(src, "tensor '" + name + "' has " + (end - begin) + " data bytes for shape "
                    + shapeList);
        }
        return new Entry(name, shape, begin, end);
    }

    private static void checkNoOverlap(String src, List<Entry> entries) throws FileFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).begin < sorted.get(i - 1).end) {
                throw new FileFormatException(src, "tensors '" + sorted.get(i - 1).name + "' and '" + sorted.get(i).name
                        + "' overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String src) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new FileFormatException(src, "truncated");
            pos += n;
        }
    }
}
