package dev.mast.nativelib.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.mast.jextract.dnnl.dnnl_h.dnnl_memory_desc_get_size;

/**
 * A layer's weights in the layouts its primitives asked for ({@code format_tag_any}), each made once by a reorder
 * from the first and kept until the last user closes it. Usually one layout serves every shape.
 *
 * <p>Layers on different engines may share one copy ({@link #share()}): packed weights are plain bytes that any
 * CPU engine's primitives can read. A new layout is reordered on the engine of the layer that asks for it, under
 * that engine's lock and this object's monitor (never another engine's lock, so sharing cannot deadlock).
 */
final class PackedWeights implements AutoCloseable {
    private record Layout(MemoryDesc desc, MemorySegment data) {}

    private final Arena arena = Arena.ofShared();
    private final List<Layout> layouts = new ArrayList<>();
    private int users = 1;

    /**
     * Copies weights from {@code source} (laid out as {@code sourceDesc}) into the layout {@code desc}, running the
     * reorder on {@code engine} (whose lock the caller holds); the descriptors are the caller's.
     */
    PackedWeights(DnnlEngine engine, MemorySegment sourceDesc, MemorySegment source, MemorySegment desc, String what) {
        try {
            layouts.add(new Layout(MemoryDesc.copyOf(desc), reorder(engine, sourceDesc, source, desc, what)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Adds a user: the weights stay until every user has closed them. */
    synchronized PackedWeights share() {
        if (users == 0) throw new IllegalStateException("packed weights are closed");
        users++;
        return this;
    }

    /**
     * The weights in layout {@code desc}, reordered from the first layout on {@code engine} (whose lock the caller
     * holds) if this is a new one.
     */
    synchronized MemorySegment in(DnnlEngine engine, MemorySegment desc, String what) {
        for (Layout l : layouts) {
            if (l.desc.sameAs(desc)) return l.data;
        }
        Layout first = layouts.getFirst();
        MemoryDesc copy = MemoryDesc.copyOf(desc);
        try {
            MemorySegment data = reorder(engine, first.desc.handle, first.data, desc, what);
            layouts.add(new Layout(copy, data));
            return data;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** The layout the weights were first packed into. */
    synchronized MemorySegment firstDesc() {
        return layouts.getFirst().desc.handle;
    }

    /** Number of layouts held. */
    synchronized int layouts() {
        return layouts.size();
    }

    private MemorySegment reorder(DnnlEngine engine, MemorySegment fromDesc, MemorySegment from, MemorySegment toDesc,
                                  String what) {
        MemorySegment to = arena.allocate(Math.max(1, dnnl_memory_desc_get_size(toDesc)), 64);
        try (Primitive p = Primitive.reorder(engine.handle(), fromDesc, toDesc, "packing " + what)) {
            engine.execute(p, new MemorySegment[] {from, to});
        }
        return to;
    }

    /** Drops a user; the last one frees the weights. */
    @Override
    public synchronized void close() {
        if (users == 0 || --users > 0) return;
        for (Layout l : layouts) l.desc.close();
        layouts.clear();
        arena.close();
    }
}
