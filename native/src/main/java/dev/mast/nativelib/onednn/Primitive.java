package dev.mast.nativelib.onednn;

import dev.mast.jextract.dnnl.dnnl_exec_arg_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/**
 * A created oneDNN primitive with its primitive descriptor, one memory object per argument and the argument array
 * for {@code dnnl_primitive_execute}; all freed by {@link #close()}.
 *
 * <p>The memory objects are created once without data; each {@link #execute} only points them at the caller's
 * buffers ({@code dnnl_memory_set_data_handle}, skipped when a buffer is where it was last time, as weights and a
 * reused workspace's activations are), so running a cached primitive allocates nothing.
 */
final class Primitive implements AutoCloseable {
    /** Creates a primitive descriptor into {@code out}, returning oneDNN's status. */
    @FunctionalInterface
    interface DescriptorFactory {
        int create(MemorySegment out);
    }

    /** oneDNN's implementation name, e.g. "brg_matmul:avx512_core" ("ref:any" is the slow reference code). */
    final String implementation;
    /** Scratchpad bytes the primitive needs at each execution. */
    final long scratchpadBytes;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pd;
    private final MemorySegment primitive;
    private final int[] kinds;
    private final MemorySegment[] memories;
    /** The address each memory object points at now ({@link #setHandle} skips repeats: the steady state). */
    private final long[] bound;
    private final MemorySegment args;
    private final int nargs;
    private boolean closed;

    /** Takes ownership of {@code pd}: on failure everything made so far, {@code pd} included, is destroyed. */
    private Primitive(MemorySegment engine, MemorySegment pd, int[] kinds) {
        this.pd = pd;
        this.kinds = kinds.clone();
        MemorySegment created = MemorySegment.NULL;
        MemorySegment[] mems = new MemorySegment[0];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            DnnlException.check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str(), 0, out),
                    "dnnl_primitive_desc_query", "implementation name");
            String impl = out.get(ValueLayout.ADDRESS, 0).reinterpret(256).getString(0);
            long pad = dnnl_memory_desc_get_size(argDesc(DNNL_ARG_SCRATCHPAD()));
            DnnlException.check(dnnl_primitive_create(out, pd), "dnnl_primitive_create", impl);
            created = out.get(ValueLayout.ADDRESS, 0);
            mems = new MemorySegment[kinds.length + (pad > 0 ? 1 : 0)];
            MemorySegment argArray = dnnl_exec_arg_t.allocateArray(mems.length, arena);
            for (int i = 0; i < mems.length; i++) {
                int kind = i < kinds.length ? kinds[i] : DNNL_ARG_SCRATCHPAD();
                DnnlException.check(dnnl_memory_create(out, argDesc(kind), engine, MemorySegment.NULL),
                        "dnnl_memory_create", "argument " + kind + " of " + impl);
                mems[i] = out.get(ValueLayout.ADDRESS, 0);
                MemorySegment arg = dnnl_exec_arg_t.asSlice(argArray, i);
                dnnl_exec_arg_t.arg(arg, kind);
                dnnl_exec_arg_t.memory(arg, mems[i]);
            }
            this.implementation = impl;
            this.scratchpadBytes = pad;
            this.primitive = created;
            this.memories = mems;
            this.bound = new long[mems.length];
            this.args = argArray;
            this.nargs = mems.length;
        } catch (RuntimeException e) {
            for (MemorySegment m : mems) {
                if (m != null) dnnl_memory_destroy(m);
            }
            if (!created.equals(MemorySegment.NULL)) dnnl_primitive_destroy(created);
            dnnl_primitive_desc_destroy(pd);
            arena.close();
            throw e;
        }
    }

    /**
     * Creates a primitive from the descriptor the factory makes, with memory objects for {@code kinds} (the
     * {@code DNNL_ARG_*} of each argument, in the order {@link #execute} receives their buffers).
     *
     * @return null when oneDNN has no implementation ({@code dnnl_unimplemented})
     */
    static Primitive create(MemorySegment engine, String what, DescriptorFactory factory, int... kinds) {
        MemorySegment pd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int status = factory.create(out);
            if (status == dnnl_unimplemented()) return null;
            DnnlException.check(status, "creating a primitive descriptor", what);
            pd = out.get(ValueLayout.ADDRESS, 0);
        }
        return new Primitive(engine, pd, kinds);
    }

    /** The argument kinds of a convolution or matmul, in {@link #execute} order: src, weights, bias if any, dst. */
    static int[] layerArguments(boolean bias) {
        return bias ? new int[] {DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_BIAS(), DNNL_ARG_DST()}
                : new int[] {DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST()};
    }

    /** A reorder (copy between layouts) from {@code from} to {@code to}, which have the same dimensions. */
    static Primitive reorder(MemorySegment engine, MemorySegment from, MemorySegment to, String what) {
        try (Attributes attr = Attributes.plain()) {
            Primitive p = create(engine, what, out -> dnnl_reorder_primitive_desc_create(out, from, engine, to,
                    engine, attr.handle), DNNL_ARG_FROM(), DNNL_ARG_TO());
            if (p == null) {
                throw new DnnlException("no reorder implementation for " + what, dnnl_unimplemented());
            }
            return p;
        }
    }

    /** The {@code DNNL_ARG_*} kind of argument {@code j} (in {@link #execute}'s order). */
    int kind(int j) {
        return kinds[j];
    }

    /** The layout of argument {@code kind} (owned by this primitive). */
    MemorySegment argDesc(int kind) {
        return dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md(), kind);
    }

    /** True for oneDNN's reference implementations: correct for any layout but orders of magnitude slower. */
    boolean isReference() {
        return implementation.startsWith("ref");
    }

    /**
     * Runs the primitive on the given buffers (one per argument kind, in order) and scratchpad (ignored when
     * {@link #scratchpadBytes} is 0). Must run under the engine's lock, on a thread whose OpenMP thread count was
     * set.
     */
    void execute(MemorySegment stream, MemorySegment[] buffers, MemorySegment scratchpad) {
        for (int i = 0; i < kinds.length; i++) setHandle(i, buffers[i]);
        if (nargs > kinds.length) setHandle(kinds.length, scratchpad);
        DnnlException.check(dnnl_primitive_execute(primitive, stream, nargs, args), "dnnl_primitive_execute",
                implementation);
    }

    private void setHandle(int i, MemorySegment buffer) {
        long address = buffer.address();
        if (bound[i] == address) return;
        DnnlException.check(dnnl_memory_set_data_handle(memories[i], buffer), "dnnl_memory_set_data_handle",
                implementation);
        bound[i] = address;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (MemorySegment m : memories) {
            if (m != null) dnnl_memory_destroy(m);
        }
        dnnl_primitive_destroy(primitive);
        dnnl_primitive_desc_destroy(pd);
        arena.close();
    }
}
