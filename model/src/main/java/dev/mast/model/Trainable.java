package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Parameter;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What training needs from a model: a forward pass that keeps the activations its backward pass needs, and a
 * backward pass that accumulates parameter gradients.
 *
 * <p>One step is {@code forwardTrain}, then {@code backward} with dLoss/dLogits, then the optimiser updates
 * {@link Parameter#value()} from {@link Parameter#grad()}, then {@link #parametersChanged()}. Gradients
 * accumulate ({@code +=}) so several micro-batches can be summed; the caller zeroes them before a step.
 *
 * <p>Not thread-safe: one step at a time (each step uses the backend's threads internally).
 */
public interface Trainable extends AutoCloseable {
    /** The trainable parameters, in state-dict order, each with an allocated gradient. */
    List<Parameter> parameters();

    /** Number of output classes K. */
    int numClasses();

    /**
     * logits [B, K] for input [B, T, F], keeping what {@link #backward} needs (until the next call).
     *
     * @param rng draws for stochastic layers (drop-path); a model without any ignores it
     */
    void forwardTrain(Tensor input, Tensor logits, RandomGenerator rng);

    /**
     * Back-propagates dLoss/dLogits [B, K] of the last {@link #forwardTrain}: adds dLoss/dθ to every parameter's
     * gradient, and writes dLoss/dInput [B, T, F] into {@code inputGrad} when it is not null.
     */
    void backward(Tensor logitsGrad, Tensor inputGrad);

    /** Called after the optimiser changed parameter values, e.g. to rebuild packed inference weights. */
    void parametersChanged();

    /** Frees activation and gradient memory. */
    @Override
    void close();
}
