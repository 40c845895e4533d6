package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's GEMM buffers: a packed A block (MC×KC), a micro-tile (MR×NR), and the packed B of the matmul
 * this thread has called (read by all the pool's threads during that call).
 *
 * <p>Every thread that computes GEMM tiles or calls {@link Sgemm} (the pool's workers and the calling threads)
 * gets its own set on first use and keeps it, so calls in steady state allocate nothing, and concurrent calls
 * never share a buffer. The A block and tile have fixed sizes; the packed-B buffer grows to the largest B the
 * thread has multiplied (about the size of B itself) and stays there. The memory belongs to automatic arenas:
 * it is freed once the thread has ended (or the buffer has been replaced by a larger one) and is unreachable.
 */
final class GemmScratch {
    private static final ThreadLocal<GemmScratch> OF_THREAD = ThreadLocal.withInitial(GemmScratch::new);

    final MemorySegment a;
    final MemorySegment tile;
    private MemorySegment packedB = MemorySegment.NULL;

    private GemmScratch() {
        Arena arena = Arena.ofAuto();
        a = arena.allocate((long) GemmKernel.MC * GemmKernel.KC * Float.BYTES, Tensor.ALIGNMENT);
        tile = arena.allocate((long) GemmKernel.MR * GemmKernel.NR * Float.BYTES, Tensor.ALIGNMENT);
    }

    /** The calling thread's buffers. */
    static GemmScratch current() {
        return OF_THREAD.get();
    }

    /** This thread's packed-B buffer, at least {@code bytes} long. */
    MemorySegment packedB(long bytes) {
        if (packedB.byteSize() < bytes) packedB = Arena.ofAuto().allocate(bytes, Tensor.ALIGNMENT);
        return packedB;
    }
}
