package dev.mast.model.training;

import dev.mast.engine.kernel.Bias;
import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Linear;

/**
 * Training passes of a {@link Linear} layer, W [out, in]:
 * <pre>
 *   forward:  y = x·Wᵀ + b                (or y += x·Wᵀ + b, a residual add)
 *   backward: dx = dy·W                   (or dx += dy·W)
 *             dW += dyᵀ·x,  db += Σ_rows dy
 * </pre>
 * x [rows, in], y and dy [rows, out], all with unit inner stride. The forward pass keeps a reference to x, which
 * the caller leaves unchanged until the backward pass.
 */
final class LinearGrad {
    private final Tensor weight, bias, dWeight, dBias;
    private Tensor input;

    LinearGrad(Linear layer) {
        this.weight = layer.weight().value();
        this.dWeight = layer.weight().grad();
        this.bias = layer.bias() == null ? null : layer.bias().value();
        this.dBias = layer.bias() == null ? null : layer.bias().grad();
    }

    int outFeatures() {
        return weight.dim(0);
    }

    void forward(TrainContext ctx, Tensor x, Tensor y, boolean accumulate) {
        input = x;
        Tensor wt = weight.transpose(0, 1);
        if (accumulate) {
            Sgemm.matmul(ctx.pool, x, wt, y, 1f, true);
            if (bias != null) Bias.add(ctx.pool, bias, y);
        } else if (bias != null) {
            Bias.fill(ctx.pool, bias, y);
            Sgemm.matmul(ctx.pool, x, wt, y, 1f, true);
        } else {
            Sgemm.matmul(ctx.pool, x, wt, y, 1f, false);
        }
    }

    /** dx may be null when the input needs no gradient. */
    void backward(TrainContext ctx, Tensor dy, Tensor dx, boolean accumulateDx) {
        if (dx != null) Sgemm.matmul(ctx.pool, dy, weight, dx, 1f, accumulateDx);
        Sgemm.matmul(ctx.pool, dy.transpose(0, 1), input, dWeight, 1f, true);
        if (bias != null) Bias.backward(ctx.pool, dy, dBias);
    }
}
