package dev.mast.model.training;

import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.MastModel;
import dev.mast.model.layer.Grid;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MAST training passes: patch stem, the MViTv2 blocks, mean over the last stage's tokens, head; backward in reverse.
 * See {@link MastModel} for the forward pass these mirror.
 */
final class MastTrainable extends ModelTrainable {
    private final List<MultiScaleBlockGrad> blocks;
    private Grid stemGrid;
    private Tensor lastTokens;

    MastTrainable(MastModel model, double dropPathRate) {
        super(model);
        try {
            this.blocks = blockGrads(model.blocks(), dropPathRate, MultiScaleBlockGrad::new);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    void forward(Tensor input, Tensor logits, RandomGenerator rng) {
        int batch = input.dim(0);
        Tensor image = input.transpose(1, 2); // [B, F, T]: height = frequency
        Grid g = patchEmbed.grid(image.dim(1), image.dim(2));
        stemGrid = g;
        Tensor x = ctx.saved.allocate(batch, g.h(), g.w(), patchEmbed.channels());
        patchEmbed.forward(ctx, image, x);
        x = x.reshape(batch, g.tokens(), patchEmbed.channels());
        for (MultiScaleBlockGrad block : blocks) {
            x = block.forward(ctx, x, g, rng);
            g = block.outputGrid(g);
        }
        lastTokens = x;
        Tensor pooled = ctx.saved.allocate(batch, x.dim(2));
        MeanTokens.forward(ctx.pool, x, pooled);
        head.forward(ctx, pooled, logits);
    }

    @Override
    void backward(Tensor logitsGrad, Tensor inputGrad, int batch) {
        Tensor dPooled = ctx.scratch.allocate(batch, lastTokens.dim(2));
        head.backward(ctx, logitsGrad, dPooled);
        Tensor dx = ctx.scratch.allocate(lastTokens.shape());
        MeanTokens.backward(ctx.pool, dPooled, dx);
        for (int i = blocks.size() - 1; i >= 0; i--) dx = blocks.get(i).backward(ctx, dx);
        patchEmbed.backward(ctx, dx.reshape(batch, stemGrid.h(), stemGrid.w(), patchEmbed.channels()),
                inputGrad == null ? null : inputGrad.transpose(1, 2));
    }
}
