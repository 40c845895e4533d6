package dev.mast.model.training;

import dev.mast.engine.kernel.LayerNorm;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Norm;

import java.util.Arrays;

/**
 * Training passes of a {@link Norm} (LayerNorm over the last axis): the forward pass keeps each row's mean and
 * rstd (in the saved workspace) and a reference to x, which the caller leaves unchanged until the backward pass;
 * the backward pass is {@link LayerNorm#backward}.
 */
final class NormGrad {
    private final Tensor gamma, beta, dGamma, dBeta;
    private final float eps;
    private Tensor input, mean, rstd;

    NormGrad(Norm layer) {
        this.gamma = layer.gamma().value();
        this.beta = layer.beta().value();
        this.dGamma = layer.gamma().grad();
        this.dBeta = layer.beta().grad();
        this.eps = layer.eps();
    }

    /** y = LayerNorm(x); y must not be x. */
    void forward(TrainContext ctx, Tensor x, Tensor y) {
        int[] rows = Arrays.copyOf(x.shape(), x.rank() - 1);
        mean = ctx.saved.allocate(rows);
        rstd = ctx.saved.allocate(rows);
        input = x;
        LayerNorm.forward(ctx.pool, x, gamma, beta, eps, y, mean, rstd);
    }

    /** dx = ∂/∂x (overwritten; may be dy); dgamma, dbeta accumulated. */
    void backward(TrainContext ctx, Tensor dy, Tensor dx) {
        LayerNorm.backward(ctx.pool, input, gamma, mean, rstd, dy, dx, dGamma, dBeta);
    }
}
