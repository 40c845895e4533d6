package dev.mast.model;

import dev.mast.engine.tensor.Workspace;

/**
 * One concurrent caller's memory inside a {@link Classifier}: the model's activation workspace, and a second one
 * for the batch input and the outputs (the model resets its own workspace when a call ends, so its inputs cannot
 * live there). Both stop growing once they have seen the largest batch. Used by one thread at a time.
 */
final class ClassifierScratch implements AutoCloseable {
    final Workspace activations = new Workspace();
    final Workspace io = new Workspace();

    /** Off-heap bytes held between calls. */
    long capacityBytes() {
        return activations.capacityBytes() + io.capacityBytes();
    }

    @Override
    public void close() {
        activations.close();
        io.close();
    }
}
