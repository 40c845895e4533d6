package dev.mast.train;

import dev.mast.engine.tensor.Tensor;

/** Inference: logits [B, K] for input [B, T, F]. */
@FunctionalInterface
public interface Predictor {
    void predict(Tensor input, Tensor logits);
}
