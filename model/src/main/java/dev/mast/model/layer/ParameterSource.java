package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;

/**
 * Supplies parameter values while a model is built: fresh random values, or tensors imported from a checkpoint.
 * The source owns the memory of what it hands out; the model closes the source when it is closed.
 */
public interface ParameterSource extends AutoCloseable {
    /** The value for {@code spec}: of exactly its shape (first dimension free when {@code spec.anyRows()}). */
    Tensor take(ParameterSpec spec);

    @Override
    void close();
}
