package dev.mast.train.loss;

import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

/**
 * Binary cross-entropy on logits for multi-label targets, averaged over all B·K entries: what
 * {@code torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)} computes (AST trains Speech Commands
 * and AudioSet with it, targets possibly mixed up).
 *
 * <p>Per entry, with logit x and target y in [0, 1], in the form that never overflows:
 * <pre>
 *   ℓ = max(x, 0) − x·y + log(1 + exp(−|x|))
 *   ∂ℓ/∂x = σ(x) − y,   σ(x) = 1 / (1 + exp(−x)) evaluated as exp(x) / (1 + exp(x)) for x &lt; 0
 *   loss = (1 / (B·K)) Σ ℓ,   ∂loss/∂x = (σ(x) − y) / (B·K)
 * </pre>
 * Computed in double from the float32 inputs; (B, K) tensors of any strides.
 */
public final class BceWithLogitsLoss implements Loss {
    /** Forward: the mean loss. */
    @Override
    public double forward(Tensor logits, Tensor targets) {
        return run(logits, targets, null);
    }

    /** Backward: writes ∂loss/∂logits into {@code dLogits} and returns the loss. */
    @Override
    public double backward(Tensor logits, Tensor targets, Tensor dLogits) {
        Shapes.requireSame("binary cross-entropy gradient", logits, dLogits);
        return run(logits, targets, dLogits);
    }

    private static double run(Tensor logits, Tensor targets, Tensor dLogits) {
        CrossEntropyLoss.requireMatrix(logits);
        Shapes.requireSame("binary cross-entropy targets", logits, targets);
        float[] x = logits.toArray(), y = targets.toArray();
        float[] grad = dLogits == null ? null : new float[x.length];
        double total = 0;
        double n = x.length;
        for (int i = 0; i < x.length; i++) {
            double xi = x[i], yi = y[i];
            total += Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi)));
            if (grad != null) {
                double sigmoid = xi >= 0 ? 1 / (1 + Math.exp(-xi)) : Math.exp(xi) / (1 + Math.exp(xi));
                grad[i] = (float) ((sigmoid - yi) / n);
            }
        }
        if (grad != null) dLogits.copyFrom(grad);
        return total / n;
    }
}
