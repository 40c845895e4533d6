package dev.mast.train.loss;

import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

/**
 * Softmax cross-entropy on logits, averaged over the batch, with optional label smoothing: what
 * {@code torch.nn.functional.cross_entropy(logits, target, label_smoothing=ε)} computes for class-index targets and
 * for probability targets (mixup).
 *
 * <p>For a row z of K logits and a target distribution t (a one-hot row for a hard label):
 * <pre>
 *   t'   = (1 − ε)·t + ε/K                          label smoothing
 *   log p_k = z_k − (max z + log Σ_j exp(z_j − max z))   stable log-softmax
 *   loss = (1/B) Σ_rows −Σ_k t'_k · log p_k
 *   ∂loss/∂z_k = (p_k − t'_k · Σ_j t'_j) / B            (Σ_j t'_j = 1 for proper targets)
 * </pre>
 * Each row is computed in double from the float32 logits; results are rounded to float32 once. Logits and targets are
 * (B, K) tensors of any strides.
 */
public final class CrossEntropyLoss implements Loss {
    private final double labelSmoothing;

    /** @param labelSmoothing ε in [0, 1]; 0 for none */
    public CrossEntropyLoss(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    /** Forward: the mean loss for probability targets (B, K). */
    @Override
    public double forward(Tensor logits, Tensor targets) {
        return run(logits, targets.toArray(), null);
    }

    /** Backward: writes ∂loss/∂logits into {@code dLogits} (B, K) and returns the loss (computed on the way). */
    @Override
    public double backward(Tensor logits, Tensor targets, Tensor dLogits) {
        Shapes.requireSame("cross-entropy gradient", logits, dLogits);
        return run(logits, targets.toArray(), dLogits);
    }

    /** Forward for class-index targets. */
    public double forward(Tensor logits, int[] labels) {
        return run(logits, oneHot(logits, labels), null);
    }

    /** Backward for class-index targets; returns the loss. */
    public double backward(Tensor logits, int[] labels, Tensor dLogits) {
        Shapes.requireSame("cross-entropy gradient", logits, dLogits);
        return run(logits, oneHot(logits, labels), dLogits);
    }

    private static float[] oneHot(Tensor logits, int[] labels) {
        requireMatrix(logits);
        int b = logits.dim(0), k = logits.dim(1);
        if (labels.length != b) {
            throw new ShapeMismatchException(labels.length + " labels for logits " + logits.shapeString());
        }
        float[] t = new float[b * k];
        for (int i = 0; i < b; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside 0.." + (k - 1));
            }
            t[i * k + labels[i]] = 1;
        }
        return t;
    }

    private double run(Tensor logits, float[] targets, Tensor dLogits) {
        requireMatrix(logits);
        int b = logits.dim(0), k = logits.dim(1);
        if (targets.length != b * k) {
            throw new ShapeMismatchException("targets of " + targets.length + " values for logits " + logits.shapeString());
        }
        float[] z = logits.toArray();
        float[] grad = dLogits == null ? null : new float[b * k];
        double smooth = labelSmoothing / k;
        double total = 0;
        double[] logp = new double[k];
        for (int r = 0; r < b; r++) {
            int o = r * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, z[o + j]);
            double sumExp = 0;
            for (int j = 0; j < k; j++) sumExp += Math.exp(z[o + j] - max);
            double logSum = max + Math.log(sumExp);
            double rowLoss = 0, targetMass = 0;
            for (int j = 0; j < k; j++) {
                logp[j] = z[o + j] - logSum;
                double t = (1 - labelSmoothing) * targets[o + j] + smooth;
                targetMass += t;
                rowLoss -= t * logp[j];
            }
            total += rowLoss;
            if (grad != null) {
                for (int j = 0; j < k; j++) {
                    double t = (1 - labelSmoothing) * targets[o + j] + smooth;
                    grad[o + j] = (float) ((Math.exp(logp[j]) * targetMass - t) / b);
                }
            }
        }
        if (grad != null) dLogits.copyFrom(grad);
        return total / b;
    }

    static void requireMatrix(Tensor logits) {
        if (logits.rank() != 2) {
            throw new ShapeMismatchException("logits must be (batch, classes), got " + logits.shapeString());
        }
    }
}
