package dev.mast.train;

import dev.mast.engine.tensor.Tensor;
import dev.mast.model.ModelInfo;
import dev.mast.model.Trainable;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model as the training loop handles it: the {@link Trainable} it steps, an inference forward pass on the same
 * parameters for validation and test, and the model file it leaves behind.
 */
public interface TrainingModel extends AutoCloseable {
    /** The forward/backward passes and parameters that training updates. */
    Trainable trainable();

    /**
     * Inference logits [B, K] for input [B, T, F] with the current parameter values (after
     * {@link Trainable#parametersChanged()}); no dropout-like randomness. Called from one thread at a time.
     */
    void predict(Tensor input, Tensor logits);

    /** Writes the current parameters as a model file that {@code mast classify} and {@code mast eval} load. */
    void save(Path file, ModelInfo info) throws IOException;

    /** One line for people, e.g. "MAST tiny, stem 16x16/10, 11 classes, 98 frames, 23.4 M parameters". */
    String description();

    @Override
    void close();
}
