package dev.mast.nativelib.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/** An owned {@code dnnl_memory_desc_t} for f32 data; destroyed by {@link #close()}. */
final class MemoryDesc implements AutoCloseable {
    /** The descriptor handle. */
    final MemorySegment handle;

    private MemoryDesc(MemorySegment handle) {
        this.handle = handle;
    }

    /** A plain (strided) layout. */
    static MemoryDesc of(View v) {
        return of(v.dims(), v.strides());
    }

    /** A plain layout with the given dimensions and element strides. */
    static MemoryDesc of(int[] dims, long[] strides) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int status = dnnl_memory_desc_create_with_strides(out, dims.length, dimsArray(a, dims), dnnl_f32(),
                    a.allocateFrom(ValueLayout.JAVA_LONG, strides));
            DnnlException.check(status, "dnnl_memory_desc_create_with_strides", new View(dims, strides).toString());
            return new MemoryDesc(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /** "Any" layout: the primitive picks one (used for weights, which are reordered once into it). */
    static MemoryDesc any(int... dims) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int status = dnnl_memory_desc_create_with_tag(out, dims.length, dimsArray(a, dims), dnnl_f32(),
                    dnnl_format_tag_any());
            DnnlException.check(status, "dnnl_memory_desc_create_with_tag", "any layout");
            return new MemoryDesc(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /** An owned copy of a descriptor owned by someone else (e.g. queried from a primitive descriptor). */
    static MemoryDesc copyOf(MemorySegment md) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            DnnlException.check(dnnl_memory_desc_clone(out, md), "dnnl_memory_desc_clone", "a queried layout");
            return new MemoryDesc(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    private static MemorySegment dimsArray(Arena a, int[] dims) {
        MemorySegment s = a.allocate(ValueLayout.JAVA_LONG, DNNL_MAX_NDIMS());
        for (int i = 0; i < dims.length; i++) s.setAtIndex(ValueLayout.JAVA_LONG, i, dims[i]);
        return s;
    }

    /** Bytes of data the layout spans. */
    long bytes() {
        return dnnl_memory_desc_get_size(handle);
    }

    /** True when {@code other} describes the same layout. */
    boolean sameAs(MemorySegment other) {
        return dnnl_memory_desc_equal(handle, other) != 0;
    }

    @Override
    public void close() {
        dnnl_memory_desc_destroy(handle);
    }
}
