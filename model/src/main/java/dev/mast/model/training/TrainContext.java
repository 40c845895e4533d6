package dev.mast.model.training;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Workspace;

/**
 * What a training step carries through the layers' training passes: the pool the kernels run on, the activations a
 * forward pass keeps for its backward pass, and scratch memory. Both workspaces stop growing after the first step
 * at a given input shape, so steady-state steps allocate no off-heap memory.
 */
final class TrainContext implements AutoCloseable {
    final EnginePool pool;
    /** Activations kept from a forward pass to its backward pass; reset when the next forward pass starts. */
    final Workspace saved = new Workspace();
    /** Temporaries: each layer releases its own, and each pass resets the rest when it ends. */
    final Workspace scratch = new Workspace();

    TrainContext(EnginePool pool) {
        this.pool = pool;
    }

    @Override
    public void close() {
        saved.close();
        scratch.close();
    }
}
