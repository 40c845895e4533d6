package dev.mast.engine.io;

import dev.mast.engine.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1, 2 and 3).
 *
 * <p>Writes little-endian float32 ({@code <f4}) in C order. Reads {@code <f4} and {@code <f8} (converted to
 * float32) in C or Fortran order, and integer arrays ({@code <i8}, {@code <i4}) with {@link #readLongs}. The
 * header is validated against the file size before any data is read, so a hostile header cannot make the reader
 * allocate more than the file holds.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Header fields and the bytes that follow it. */
    private record Parsed(String descr, boolean fortran, int[] shape, ByteBuffer data) {}

    /** Reads a float32 or float64 array, converting to float32. */
    public static NpyArray read(Path file) throws IOException {
        Parsed p = parse(file);
        int n = elementCount(file, p.shape);
        float[] out = new float[n];
        switch (p.descr) {
            case "<f4", "=f4", "|f4" -> {
                need(file, p, n, 4);
                p.data.asFloatBuffer().get(out);
            }
            case "<f8", "=f8" -> {
                need(file, p, n, 8);
                var db = p.data.asDoubleBuffer();
                for (int i = 0; i < n; i++) out[i] = (float) db.get(i);
            }
            default -> throw new FileFormatException(file.toString(),
                    "unsupported dtype '" + p.descr + "' (expected little-endian float32 <f4 or float64 <f8)");
        }
        return new NpyArray(p.shape, p.fortran ? fortranToC(out, p.shape) : out);
    }

    /** Reads an integer array ({@code <i8} or {@code <i4}), for labels. Returns the elements in C order. */
    public static long[] readLongs(Path file) throws IOException {
        Parsed p = parse(file);
        int n = elementCount(file, p.shape);
        long[] out = new long[n];
        switch (p.descr) {
            case "<i8", "=i8" -> {
                need(file, p, n, 8);
                p.data.asLongBuffer().get(out);
            }
            case "<i4", "=i4" -> {
                need(file, p, n, 4);
                var ib = p.data.asIntBuffer();
                for (int i = 0; i < n; i++) out[i] = ib.get(i);
            }
            default -> throw new FileFormatException(file.toString(),
                    "unsupported dtype '" + p.descr + "' (expected little-endian int64 <i8 or int32 <i4)");
        }
        if (p.fortran && p.shape.length > 1) {
            throw new FileFormatException(file.toString(), "Fortran-order integer arrays are not supported");
        }
        return out;
    }

    /** Writes a float32 C-order array; the file is replaced atomically. */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        new NpyArray(shape, data); // validates the shape
        StringBuilder dims = new StringBuilder();
        for (int d : shape) dims.append(d).append(", ");
        if (shape.length > 1) dims.setLength(dims.length() - 2);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.length * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        buf.asFloatBuffer().put(data);
        AtomicFile.write(file, buf.array());
    }

    /** Writes a tensor (any strides) as a float32 C-order array. */
    public static void write(Path file, Tensor t) throws IOException {
        write(file, t.shape(), t.toArray());
    }

    private static Parsed parse(Path file) throws IOException {
        String src = file.toString();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new FileFormatException(src, "cannot read (" + e.getMessage() + ")");
        }
        if (size > Integer.MAX_VALUE - 64) throw new FileFormatException(src, "file of " + size + " bytes is too large");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) throw new FileFormatException(src, "not a .npy file (too short)");
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) throw new FileFormatException(src, "not a .npy file (bad magic)");
        }
        int major = bytes[6];
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(b.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new FileFormatException(src, "truncated .npy header");
            headerLen = Integer.toUnsignedLong(b.getInt(8));
            headerStart = 12;
        } else {
            throw new FileFormatException(src, "unsupported .npy format version " + major);
        }
        if (headerLen > MAX_HEADER || headerStart + headerLen > bytes.length) {
            throw new FileFormatException(src, "header length " + headerLen + " runs past the end of the "
                    + bytes.length + "-byte file");
        }
        String header = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new FileFormatException(src, "malformed .npy header: " + header.strip());
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String t = part.strip();
            if (t.isEmpty()) continue;
            try {
                dims.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new FileFormatException(src, "bad dimension '" + t + "' in shape (" + s.group(1) + ")");
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int dataStart = (int) (headerStart + headerLen);
        ByteBuffer data = b.slice(dataStart, bytes.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        return new Parsed(d.group(1), f.group(1).equals("True"), shape, data);
    }

    private static int elementCount(Path file, int[] shape) throws FileFormatException {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new FileFormatException(file.toString(), "negative dimension in shape");
            n *= d;
            if (n > Integer.MAX_VALUE - 8) throw new FileFormatException(file.toString(), "array too large");
        }
        return (int) n;
    }

    private static void need(Path file, Parsed p, int n, int width) throws FileFormatException {
        long want = (long) n * width;
        if (p.data.remaining() < want) {
            throw new FileFormatException(file.toString(), "truncated: shape needs " + want + " data bytes, file has "
                    + p.data.remaining());
        }
    }

    private static float[] fortranToC(float[] f, int[] shape) {
        if (shape.length < 2) return f;
        float[] c = new float[f.length];
        int[] idx = new int[shape.length];
        for (int i = 0; i < f.length; i++) {
            // idx is the C-order index of element i; its Fortran-order position has the first axis fastest.
            long fpos = 0, mul = 1;
            for (int d = 0; d < shape.length; d++) {
                fpos += idx[d] * mul;
                mul *= shape[d];
            }
            c[i] = f[(int) fpos];
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return c;
    }
}
