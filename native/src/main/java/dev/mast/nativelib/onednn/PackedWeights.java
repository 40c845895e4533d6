package dev.mast.nativelib.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.mast.jextract.dnnl.dnnl_h.dnnl_memory_desc_get_size;

/**
 * A layer's weights in the layouts its primitives asked for ({@code format_tag_any}), each made once by a reorder
 * from the first and kept until {@link #close()}. Usually one layout serves every shape.
 */
final class PackedWeights implements AutoCloseable {
    private record Layout(MemoryDesc desc, MemorySegment data) {}

    private final DnnlEngine engine;
    private final Arena arena = Arena.ofShared();
    private final List<Layout> layouts = new ArrayList<>();

    /**
     * Copies weights from {@code source} (laid out as {@code sourceDesc}) into the layout {@code desc}; the
     * descriptors are the caller's.
     */
    PackedWeights(DnnlEngine engine, MemorySegment sourceDesc, MemorySegment source, MemorySegment desc, String what) {
        this.engine = engine;
        try {
            layouts.add(new Layout(MemoryDesc.copyOf(desc), reorder(sourceDesc, source, desc, what)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The weights in layout {@code desc}, reordered from the first layout if this is a new one. */
    MemorySegment in(MemorySegment desc, String what) {
        for (Layout l : layouts) {
            if (l.desc.sameAs(desc)) return l.data;
        }
        Layout first = layouts.getFirst();
        MemoryDesc copy = MemoryDesc.copyOf(desc);
        try {
            MemorySegment data = reorder(first.desc.handle, first.data, desc, what);
            layouts.add(new Layout(copy, data));
            return data;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** The layout the weights were first packed into. */
    MemorySegment firstDesc() {
        return layouts.getFirst().desc.handle;
    }

    /** Number of layouts held. */
    int layouts() {
        return layouts.size();
    }

    private MemorySegment reorder(MemorySegment fromDesc, MemorySegment from, MemorySegment toDesc, String what) {
        MemorySegment to = arena.allocate(Math.max(1, dnnl_memory_desc_get_size(toDesc)), 64);
        try (Primitive p = Primitive.reorder(engine.handle(), fromDesc, toDesc, "packing " + what)) {
            engine.execute(p, new MemorySegment[] {from, to});
        }
        return to;
    }

    @Override
    public void close() {
        for (Layout l : layouts) l.desc.close();
        layouts.clear();
        arena.close();
    }
}
