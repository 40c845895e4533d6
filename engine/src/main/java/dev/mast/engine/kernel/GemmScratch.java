package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's GEMM buffers: a packed A block (MC×KC), a packed B block (KC×NC) and a micro-tile (MR×NR).
 *
 * <p>Every thread that computes GEMM tiles (the pool's workers and the calling threads) gets its own set on first
 * use and keeps it, so calls in steady state allocate nothing, and concurrent calls never share a buffer. The
 * sizes are fixed by the blocking constants, not by the problem. The memory belongs to an automatic arena: it is
 * freed once the thread has ended and its buffers are unreachable.
 */
final class GemmScratch {
    private static final ThreadLocal<GemmScratch> OF_THREAD = ThreadLocal.withInitial(GemmScratch::new);

    final MemorySegment a;
    final MemorySegment b;
    final MemorySegment tile;

    private GemmScratch() {
        Arena arena = Arena.ofAuto();
        a = arena.allocate((long) GemmKernel.MC * GemmKernel.KC * Float.BYTES, Tensor.ALIGNMENT);
        b = arena.allocate((long) GemmKernel.KC * GemmKernel.NC * Float.BYTES, Tensor.ALIGNMENT);
        tile = arena.allocate((long) GemmKernel.MR * GemmKernel.NR * Float.BYTES, Tensor.ALIGNMENT);
    }

    /** The calling thread's buffers. */
    static GemmScratch current() {
        return OF_THREAD.get();
    }
}
