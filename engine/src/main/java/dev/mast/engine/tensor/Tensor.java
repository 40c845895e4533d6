package dev.mast.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A float32 n-dimensional view over off-heap memory: a storage segment, an element offset into it, a shape and
 * element strides.
 *
 * <p>The view metadata is immutable; the data is not. {@link #reshape}, {@link #slice}, {@link #select},
 * {@link #transpose} and {@link #permute} return new views of the same memory without copying. The memory belongs
 * to whoever allocated the storage: a {@link TensorArena}, a {@link Workspace} or the caller's own {@link Arena};
 * a view is valid exactly as long as that owner is open.
 *
 * <p>Kernels that run on the engine's thread pool read and write from several threads, so the storage must come
 * from a shared, global or automatic arena ({@link TensorArena} and {@link Workspace} are shared); memory of a
 * confined arena fails there with {@link WrongThreadException}.
 */
public final class Tensor {
    /** Byte alignment of every allocation the engine makes: one cache line, two AVX2 vectors. */
    public static final long ALIGNMENT = 64;

    private final MemorySegment storage;
    private final long offset;
    private final int[] shape;
    private final long[] strides;

    private Tensor(MemorySegment storage, long offset, int[] shape, long[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** Allocates a zeroed, contiguous tensor owned by {@code arena}. */
    public static Tensor allocate(Arena arena, int... shape) {
        long n = checkedSize(shape);
        MemorySegment seg = arena.allocate(Math.max(1, n) * Float.BYTES, ALIGNMENT);
        return new Tensor(seg, 0, shape.clone(), contiguousStrides(shape));
    }

    /** A contiguous view of {@code shape} over the start of {@code segment}, which must be large enough. */
    public static Tensor wrap(MemorySegment segment, int... shape) {
        long n = checkedSize(shape);
        if (n * Float.BYTES > segment.byteSize()) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for "
                    + Shapes.toString(shape) + " floats");
        }
        return new Tensor(segment, 0, shape.clone(), contiguousStrides(shape));
    }

    /** A contiguous tensor over a heap array (no copy): handy in tests and for small constants. */
    public static Tensor of(float[] data, int... shape) {
        if (checkedSize(shape) != data.length) {
            throw new ShapeMismatchException("array of " + data.length + " floats does not fill shape "
                    + Shapes.toString(shape));
        }
        return new Tensor(MemorySegment.ofArray(data), 0, shape.clone(), contiguousStrides(shape));
    }

    /** Strides of a C-order (row-major) tensor of {@code shape}, in elements. */
    public static long[] contiguousStrides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    private static long checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Shapes.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    // ---- metadata ------------------------------------------------------------------------------------------

    /** The whole backing segment (not only this view's elements). */
    public MemorySegment storage() { return storage; }

    /** Element offset of index (0, ..., 0) into {@link #storage()}. */
    public long offset() { return offset; }

    public int rank() { return shape.length; }

    /** Size of dimension {@code d}; negative {@code d} counts from the end. */
    public int dim(int d) { return shape[axis(d)]; }

    /** Element stride of dimension {@code d}; negative {@code d} counts from the end. */
    public long stride(int d) { return strides[axis(d)]; }

    public int[] shape() { return shape.clone(); }

    public long[] strides() { return strides.clone(); }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** True when the elements are laid out in C order with no gaps. */
    public boolean isContiguous() {
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != acc) return false;
            acc *= shape[d];
        }
        return true;
    }

    /** True when the last dimension has stride 1, so each row can be read as one run of floats. */
    public boolean hasUnitInnerStride() {
        return shape.length == 0 || shape[shape.length - 1] <= 1 || strides[shape.length - 1] == 1;
    }

    /** Shape as "[2, 3, 4]". */
    public String shapeString() { return Shapes.toString(shape); }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + (isContiguous() ? "" : " strides " + Arrays.toString(strides));
    }

    private int axis(int d) {
        int a = d < 0 ? d + shape.length : d;
        if (a < 0 || a >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + d + " of a rank-" + shape.length + " tensor");
        }
        return a;
    }

    // ---- element access (for tests, set-up and small scalar code; kernels use the segment directly) --------

    /** Element offset into {@link #storage()} of the given index. */
    public long indexOf(int... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException(idx.length + " indices for a rank-" + shape.length + " tensor");
        }
        long o = offset;
        for (int d = 0; d < idx.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of " + shapeString());
            }
            o += idx[d] * strides[d];
        }
        return o;
    }

    public float get(int... idx) {
        return storage.getAtIndex(ValueLayout.JAVA_FLOAT, indexOf(idx));
    }

    public void set(float value, int... idx) {
        storage.setAtIndex(ValueLayout.JAVA_FLOAT, indexOf(idx), value);
    }

    /** Element at flat C-order position {@code i} of this view (works for any strides). */
    public float getFlat(long i) {
        return storage.getAtIndex(ValueLayout.JAVA_FLOAT, flatOffset(i));
    }

    /** Sets the element at flat C-order position {@code i} of this view. */
    public void setFlat(long i, float value) {
        storage.setAtIndex(ValueLayout.JAVA_FLOAT, flatOffset(i), value);
    }

    private long flatOffset(long i) {
        long o = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            o += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return o;
    }

    /** Copies all elements out in C order. */
    public float[] toArray() {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException(shapeString() + " is too large for a float[]");
        float[] out = new float[(int) n];
        if (isContiguous()) {
            MemorySegment.copy(storage, ValueLayout.JAVA_FLOAT, offset * Float.BYTES, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) out[i] = getFlat(i);
        }
        return out;
    }

    /** Copies {@code src} (C order, exactly {@link #size()} elements) into this view. */
    public Tensor copyFrom(float[] src) {
        if (src.length != size()) {
            throw new ShapeMismatchException("array of " + src.length + " floats into tensor " + shapeString());
        }
        if (isContiguous()) {
            MemorySegment.copy(src, 0, storage, ValueLayout.JAVA_FLOAT, offset * Float.BYTES, src.length);
        } else {
            for (int i = 0; i < src.length; i++) setFlat(i, src[i]);
        }
        return this;
    }

    /** Copies the elements of {@code src}, which must have this view's shape, into this view. */
    public Tensor copyFrom(Tensor src) {
        Shapes.requireSame("copy", src, this);
        if (isContiguous() && src.isContiguous()) {
            MemorySegment.copy(src.storage, src.offset * Float.BYTES, storage, offset * Float.BYTES,
                    size() * Float.BYTES);
        } else {
            long n = size();
            for (long i = 0; i < n; i++) setFlat(i, src.getFlat(i));
        }
        return this;
    }

    /** Sets every element to {@code value}. */
    public Tensor fill(float value) {
        if (isContiguous()) {
            MemorySegment run = storage.asSlice(offset * Float.BYTES, size() * Float.BYTES);
            if (value == 0f) {
                run.fill((byte) 0);
            } else {
                for (long i = 0, n = size(); i < n; i++) run.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
            }
        } else {
            for (long i = 0, n = size(); i < n; i++) setFlat(i, value);
        }
        return this;
    }

    // ---- views ---------------------------------------------------------------------------------------------

    /**
     * The same elements under a new shape (one dimension may be -1 and is then inferred). Needs a contiguous
     * view: reshaping a strided view would need a copy, which this never makes.
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("two -1 in reshape " + Arrays.toString(newShape));
                infer = d;
            } else {
                known *= s[d];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size() % known != 0) {
                throw new ShapeMismatchException("cannot reshape " + shapeString() + " to " + Arrays.toString(newShape));
            }
            s[infer] = (int) (size() / known);
        }
        if (checkedSize(s) != size()) {
            throw new ShapeMismatchException("cannot reshape " + shapeString() + " (" + size() + " elements) to "
                    + Shapes.toString(s));
        }
        if (!isContiguous()) {
            throw new IllegalStateException("reshape of the non-contiguous view " + this + " would need a copy");
        }
        return new Tensor(storage, offset, s, contiguousStrides(s));
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along dimension {@code d}. */
    public Tensor slice(int d, int start, int end) {
        int a = axis(d);
        if (start < 0 || end > shape[a] || start > end) {
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") of dimension " + a + " in "
                    + shapeString());
        }
        int[] s = shape.clone();
        s[a] = end - start;
        return new Tensor(storage, offset + start * strides[a], s, strides.clone());
    }

    /** The sub-tensor at {@code index} along dimension {@code d}, which is removed. */
    public Tensor select(int d, int index) {
        int a = axis(d);
        if (index < 0 || index >= shape[a]) {
            throw new IndexOutOfBoundsException("index " + index + " of dimension " + a + " in " + shapeString());
        }
        int[] s = new int[shape.length - 1];
        long[] st = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == a) continue;
            s[j] = shape[i];
            st[j++] = strides[i];
        }
        return new Tensor(storage, offset + index * strides[a], s, st);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int d0, int d1) {
        int a = axis(d0), b = axis(d1);
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Reorders dimensions: dimension {@code i} of the result is dimension {@code order[i]} of this view. */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute " + Arrays.toString(order) + " of a rank-" + shape.length
                    + " tensor");
        }
        boolean[] seen = new boolean[order.length];
        int[] s = new int[order.length];
        long[] st = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = axis(order[i]);
            if (seen[a]) throw new IllegalArgumentException("permute " + Arrays.toString(order) + " repeats " + a);
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(storage, offset, s, st);
    }
}
