package dev.mast.model.layer;

import java.util.List;

/**
 * A building block of a model. It registers its parameters in a fixed order (the order of the timm state dict,
 * which is also the order of saved files) and owns any backend-prepared copies of them.
 */
public interface Layer extends AutoCloseable {
    /** Appends this layer's parameters (and its sub-layers') to {@code out}. */
    void collectParameters(List<Parameter> out);

    /** Rebuilds backend-prepared copies (packed weights) from the current parameter values. */
    default void repack() {}

    /** Frees backend-prepared copies. Parameter memory belongs to the model's {@link ParameterSource}. */
    @Override
    default void close() {}
}
