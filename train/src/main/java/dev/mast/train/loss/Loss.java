package dev.mast.train.loss;

import dev.mast.engine.tensor.Tensor;

/**
 * A loss on (B, K) logits against (B, K) target rows (one-hot, smoothed, mixed or multi-hot), as the training loop
 * uses it: {@link CrossEntropyLoss} or {@link BceWithLogitsLoss}.
 */
public interface Loss {
    /** The mean loss. */
    double forward(Tensor logits, Tensor targets);

    /** Writes ∂loss/∂logits into {@code dLogits} (B, K) and returns the loss. */
    double backward(Tensor logits, Tensor targets, Tensor dLogits);
}
