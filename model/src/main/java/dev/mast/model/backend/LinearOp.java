package dev.mast.model.backend;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;

/**
 * A linear layer prepared by a {@link Backend} ({@code y = epilogue(x·Wᵀ + b)}): the weight is laid out once in
 * whatever form the backend computes fastest with. It is a derived copy of the parameter values; after the values
 * change, prepare a new one. Thread-safe; {@link #close()} frees the prepared copy.
 */
public interface LinearOp extends AutoCloseable {
    int inFeatures();

    int outFeatures();

    /** x [..., in] and y [..., out], both contiguous with the same leading dimensions. */
    void forward(Tensor x, Tensor y, Epilogue epilogue);

    @Override
    void close();
}
