package dev.mast.model.training;

import dev.mast.engine.kernel.Gelu;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Mlp;

/**
 * Training passes of an {@link Mlp}: {@code h = fc1(x)}, {@code g = gelu(h)}, {@code y (+)= fc2(g)}; the backward
 * pass runs fc2, GELU ({@code dh = dg·gelu'(h)}) and fc1 backwards. Keeps h and g (rows × hidden each).
 */
final class MlpGrad {
    private final LinearGrad fc1, fc2;
    private final int hidden;
    private Tensor preActivation;

    MlpGrad(Mlp layer) {
        this.fc1 = new LinearGrad(layer.fc1());
        this.fc2 = new LinearGrad(layer.fc2());
        this.hidden = layer.hidden();
    }

    /** x [rows, in] (kept), y [rows, out]. */
    void forward(TrainContext ctx, Tensor x, Tensor y, boolean accumulate) {
        int rows = x.dim(0);
        preActivation = ctx.saved.allocate(rows, hidden);
        fc1.forward(ctx, x, preActivation, false);
        Tensor g = ctx.saved.allocate(rows, hidden);
        Gelu.forward(ctx.pool, preActivation, g);
        fc2.forward(ctx, g, y, accumulate);
    }

    void backward(TrainContext ctx, Tensor dy, Tensor dx, boolean accumulateDx) {
        long mark = ctx.scratch.mark();
        Tensor dg = ctx.scratch.allocate(dy.dim(0), hidden);
        fc2.backward(ctx, dy, dg, false);
        Gelu.backward(ctx.pool, preActivation, dg, dg);
        fc1.backward(ctx, dg, dx, accumulateDx);
        ctx.scratch.release(mark);
    }
}
