package dev.mast.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Scratch memory that a forward pass reuses from call to call, so a long-running service does not allocate per
 * request.
 *
 * <p>A bump allocator over one block: {@link #allocate} hands out 64-byte aligned tensors, {@link #mark} and
 * {@link #release} free the most recent ones (stack order), and {@link #reset} frees everything at the end of a
 * call. A call that needs more than the block holds is served from overflow memory; the next {@link #reset} then
 * replaces the block with one of the high-water size. After the first call of a given shape the workspace stops
 * allocating.
 *
 * <p>Not thread-safe: one workspace per concurrent call (tensors it hands out can still be used by the engine's
 * worker threads, the memory is shared). {@link #close()} frees all memory; tensors handed out become invalid.
 */
public final class Workspace implements AutoCloseable {
    private Arena blockArena;
    private MemorySegment block;
    private Arena overflowArena;
    private long used;
    private long highWater;
    private boolean overflowed;

    /** An empty workspace; the first call sizes it. */
    public Workspace() {
        this(0);
    }

    /** A workspace with an initial block of {@code bytes}. */
    public Workspace(long bytes) {
        allocateBlock(bytes);
    }

    private void allocateBlock(long bytes) {
        blockArena = Arena.ofShared();
        block = bytes > 0 ? blockArena.allocate(bytes, Tensor.ALIGNMENT) : MemorySegment.NULL;
    }

    /** A contiguous tensor whose contents are undefined until written. */
    public Tensor allocate(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Shapes.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        long bytes = alignUp(Math.max(1, n) * Float.BYTES);
        long start = used;
        used += bytes;
        highWater = Math.max(highWater, used);
        MemorySegment seg;
        if (used <= block.byteSize()) {
            seg = block.asSlice(start, bytes);
        } else {
            if (overflowArena == null) overflowArena = Arena.ofShared();
            overflowed = true;
            seg = overflowArena.allocate(bytes, Tensor.ALIGNMENT);
        }
        return Tensor.wrap(seg, shape);
    }

    /** A contiguous tensor filled with zeros. */
    public Tensor allocateZeroed(int... shape) {
        return allocate(shape).fill(0f);
    }

    /** The current allocation position, for {@link #release}. */
    public long mark() {
        return used;
    }

    /** Frees everything allocated since {@code mark} was taken. Tensors from that span become invalid. */
    public void release(long mark) {
        if (mark < 0 || mark > used) throw new IllegalArgumentException("release to " + mark + " past " + used);
        used = mark;
    }

    /** Frees everything; grows the block to the high-water mark if the last call overflowed it. */
    public void reset() {
        used = 0;
        if (overflowed) {
            overflowArena.close();
            overflowArena = null;
            overflowed = false;
            blockArena.close();
            // A little headroom so that slightly larger inputs (another clip length) do not overflow at once.
            allocateBlock(alignUp(highWater + highWater / 8));
        }
    }

    /** Bytes in the reusable block. */
    public long capacityBytes() {
        return block.byteSize();
    }

    /** The most bytes in use at once since this workspace was created. */
    public long highWaterBytes() {
        return highWater;
    }

    private static long alignUp(long bytes) {
        return (bytes + Tensor.ALIGNMENT - 1) & -Tensor.ALIGNMENT;
    }

    @Override
    public void close() {
        if (overflowArena != null) overflowArena.close();
        blockArena.close();
    }
}
