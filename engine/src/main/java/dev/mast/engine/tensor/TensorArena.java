package dev.mast.engine.tensor;

import java.lang.foreign.Arena;

/**
 * Owner of tensors with one explicit lifetime: everything allocated here is freed by {@link #close()}.
 *
 * <pre>{@code
 * try (TensorArena arena = new TensorArena()) {
 *     Tensor x = arena.allocate(8, 128, 128);
 *     ...
 * } // freed here
 * }</pre>
 *
 * Backed by a shared {@link Arena}, so the engine's worker threads can use the tensors. Allocation is
 * thread-safe; using a tensor after {@link #close()} throws {@link IllegalStateException}.
 */
public final class TensorArena implements AutoCloseable {
    private final Arena arena = Arena.ofShared();

    /** A zeroed contiguous tensor. */
    public Tensor allocate(int... shape) {
        return Tensor.allocate(arena, shape);
    }

    /** A contiguous tensor holding a copy of {@code data}. */
    public Tensor copyOf(float[] data, int... shape) {
        return allocate(shape).copyFrom(data);
    }

    /** The underlying arena, for callers that allocate other native memory with the same lifetime. */
    public Arena arena() {
        return arena;
    }

    @Override
    public void close() {
        arena.close();
    }
}
