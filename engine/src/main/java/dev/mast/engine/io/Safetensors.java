package dev.mast.engine.io;

import dev.mast.engine.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file, memory-mapped read-only.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping tensor names to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional {@code "__metadata__"} object of
 * strings), then the data section. {@link #open} validates everything before any tensor byte is touched: N against
 * the file size and a 16 MiB cap, the JSON (depth-limited), every dtype, shape (non-negative, no overflow) and
 * offset pair ({@code end - begin} must equal the shape's byte size, {@code end} must lie inside the data section),
 * and that no two tensors overlap. Gaps between tensors are tolerated. A failure is a one-line
 * {@link FileFormatException}; a hostile header can make the reader allocate at most the header itself.
 *
 * <p>{@link #tensor(String)} returns float32 tensors as zero-copy views of the mapping (read-only: writing throws).
 * {@link #tensor(String, Arena)} also converts F64, F16 and BF16, and copies an F32 tensor whose offset is not
 * 4-byte aligned. Views are valid until {@link #close()}.
 *
 * <p>Thread-safe for reading once opened; {@link #close()} must not race with readers.
 */
public final class Safetensors implements AutoCloseable {
    /**
     * Header size cap. The reference implementation allows 100 MiB, but parsed JSON costs roughly 15 times its size
     * in heap, and real headers are kilobytes (a few MiB for the largest language models), so 16 MiB bounds what a
     * hostile header can make the reader allocate.
     */
    public static final long MAX_HEADER_BYTES = 16L << 20;
    /** Key of the string-to-string metadata object in the header. */
    public static final String METADATA_KEY = "__metadata__";

    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, SafetensorsEntry> entries;
    private final Map<String, String> metadata;

    private Safetensors(String source, Arena arena, MemorySegment data, Map<String, SafetensorsEntry> entries,
                        Map<String, String> metadata) {
        this.source = source;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens, validates and maps {@code file}. */
    public static Safetensors open(Path file) throws IOException {
        String src = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FileFormatException(src, "too short for a safetensors file (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, src);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > size - 8) {
                throw new FileFormatException(src, "header length " + Long.toUnsignedString(headerLen)
                        + " runs past the end of the " + size + "-byte file");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new FileFormatException(src, "header length " + headerLen + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLen < 2) throw new FileFormatException(src, "header of " + headerLen + " bytes is not a JSON object");
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, src);
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(headerBuf.flip()).toString();
            } catch (CharacterCodingException e) {
                throw new FileFormatException(src, "header is not valid UTF-8");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, SafetensorsEntry> entries = parseHeader(src, header, dataSize, metadata);

            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return new Safetensors(src, arena, mapped.asSlice(dataStart, dataSize),
                        Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String src) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new FileFormatException(src, "truncated file");
            pos += n;
        }
    }

    private static Map<String, SafetensorsEntry> parseHeader(String src, String header, long dataSize,
                                                             Map<String, String> metadataOut)
            throws FileFormatException {
        JsonFields root;
        try {
            root = JsonFields.of(Json.parse(header, 8, (int) MAX_HEADER_BYTES), "header");
        } catch (JsonException e) {
            throw new FileFormatException(src, "bad header: " + e.getMessage());
        }
        Map<String, SafetensorsEntry> entries = new LinkedHashMap<>();
        try {
            for (String name : root.keys()) {
                if (name.equals(METADATA_KEY)) {
                    JsonFields meta = root.object(name);
                    for (String k : meta.keys()) metadataOut.put(k, meta.string(k));
                    continue;
                }
                entries.put(name, parseEntry(src, name, root.object(name), dataSize));
            }
        } catch (JsonException e) {
            throw new FileFormatException(src, "bad header: " + e.getMessage());
        }
        checkOverlaps(src, entries.values());
        return entries;
    }

    private static SafetensorsEntry parseEntry(String src, String name, JsonFields f, long dataSize)
            throws FileFormatException {
        String dtypeName = f.string("dtype");
        SafetensorsDType dtype = SafetensorsDType.byName(dtypeName);
        if (dtype == null) throw new FileFormatException(src, "tensor '" + name + "': unknown dtype '" + dtypeName + "'");
        int[] shape = f.intArray("shape", 0, Integer.MAX_VALUE);
        long[] offsets = new long[2];
        List<?> off = f.list("data_offsets");
        if (off.size() != 2) {
            throw new FileFormatException(src, "tensor '" + name + "': data_offsets must be [begin, end]");
        }
        for (int i = 0; i < 2; i++) {
            offsets[i] = JsonFields.asInteger(off.get(i), f.path() + ".data_offsets[" + i + "]", 0, Long.MAX_VALUE);
        }
        long bytes = dtype.bytes();
        try {
            for (int d : shape) bytes = Math.multiplyExact(bytes, d);
        } catch (ArithmeticException e) {
            throw new FileFormatException(src, "tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " overflows");
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end) {
            throw new FileFormatException(src, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] run backwards");
        }
        if (end - begin != bytes) {
            throw new FileFormatException(src, "tensor '" + name + "': " + dtype + Arrays.toString(shape)
                    + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        if (end > dataSize) {
            throw new FileFormatException(src, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] run past the end of the " + dataSize + "-byte data section (truncated file?)");
        }
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static void checkOverlaps(String src, Iterable<SafetensorsEntry> all) throws FileFormatException {
        List<SafetensorsEntry> sorted = new ArrayList<>();
        for (SafetensorsEntry e : all) if (e.byteSize() > 0) sorted.add(e);
        sorted.sort(Comparator.comparingLong(SafetensorsEntry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            SafetensorsEntry a = sorted.get(i - 1), b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw new FileFormatException(src, "tensors '" + a.name() + "' and '" + b.name() + "' overlap");
            }
        }
    }

    // ---- access ---------------------------------------------------------------------------------------------

    /** The file name, as used in error messages. */
    public String source() {
        return source;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return entries.keySet();
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The header entry of {@code name}, or null. */
    public SafetensorsEntry entry(String name) {
        return entries.get(name);
    }

    /** The {@code __metadata__} strings (empty if the header has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The raw bytes of a tensor (a read-only slice of the mapping). */
    public MemorySegment bytes(String name) throws FileFormatException {
        SafetensorsEntry e = require(name);
        return data.asSlice(e.begin(), e.byteSize());
    }

    /** True when {@link #tensor(String)} can return {@code name} without a copy. */
    public boolean isZeroCopy(String name) throws FileFormatException {
        SafetensorsEntry e = require(name);
        return e.dtype() == SafetensorsDType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                && (data.address() + e.begin()) % Float.BYTES == 0;
    }

    /**
     * A zero-copy float32 view of an F32 tensor (read-only). Fails for other dtypes and for misaligned data: use
     * {@link #tensor(String, Arena)} for those.
     */
    public Tensor tensor(String name) throws FileFormatException {
        SafetensorsEntry e = require(name);
        if (!isZeroCopy(name)) {
            throw new FileFormatException(source, "tensor '" + name + "' (" + e.dtype()
                    + ") cannot be viewed as float32 without a copy");
        }
        return Tensor.wrap(data.asSlice(e.begin(), e.byteSize()), e.shape());
    }

    /**
     * Any floating-point tensor as float32: a zero-copy view when possible, otherwise converted into memory owned
     * by {@code arena}.
     */
    public Tensor tensor(String name, Arena arena) throws FileFormatException {
        if (isZeroCopy(name)) return tensor(name);
        SafetensorsEntry e = require(name);
        if (!e.dtype().isFloat()) {
            throw new FileFormatException(source, "tensor '" + name + "' has dtype " + e.dtype()
                    + ", expected a floating-point type (F32, F64, F16 or BF16)");
        }
        Tensor out = Tensor.allocate(arena, e.shape());
        MemorySegment src = data.asSlice(e.begin(), e.byteSize());
        MemorySegment dst = out.storage();
        long n = e.elements();
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfDouble f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            float v = switch (e.dtype()) {
                case F32 -> src.getAtIndex(f32, i);
                case F64 -> (float) src.getAtIndex(f64, i);
                case F16 -> Float.float16ToFloat(src.getAtIndex(i16, i));
                case BF16 -> Float.intBitsToFloat((src.getAtIndex(i16, i) & 0xffff) << 16);
                default -> throw new IllegalStateException("unreachable: " + e.dtype());
            };
            dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
        }
        return out;
    }

    private SafetensorsEntry require(String name) throws FileFormatException {
        SafetensorsEntry e = entries.get(name);
        if (e == null) throw new FileFormatException(source, "no tensor named '" + name + "'");
        return e;
    }

    /** Unmaps the file; every view handed out becomes invalid. Closing twice is harmless. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
