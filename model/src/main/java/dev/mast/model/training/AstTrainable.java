package dev.mast.model.training;

import dev.mast.engine.kernel.Bias;
import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.AstModel;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.PositionEmbedding;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * AST training passes (see {@link AstModel}): patch stem; tokens [cls, dist, patches] plus the position embedding
 * (adapted to the clip's grid); the ViT blocks; the final LayerNorm on the two special tokens, their mean, the head.
 * Backward in reverse: the special tokens' gradients sum over the batch into {@code cls_token} and
 * {@code dist_token}, every token's into the (adapted) position embedding, the patch tokens' into the stem.
 */
final class AstTrainable extends ModelTrainable {
    private final List<VitBlockGrad> blocks;
    private final NormGrad norm;
    private final PositionEmbedding position;
    private final Tensor cls, dist, dCls, dDist;
    private Grid grid;
    private int dim;

    AstTrainable(AstModel model, double dropPathRate) {
        super(model);
        try {
            this.blocks = blockGrads(model.blocks(), dropPathRate, VitBlockGrad::new);
            this.norm = new NormGrad(model.norm());
            this.position = model.positionEmbedding();
            this.cls = model.clsToken().value();
            this.dist = model.distToken().value();
            this.dCls = model.clsToken().grad();
            this.dDist = model.distToken().grad();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    void forward(Tensor input, Tensor logits, RandomGenerator rng) {
        int batch = input.dim(0);
        dim = patchEmbed.channels();
        Tensor image = input.transpose(1, 2); // [B, F, T]: height = frequency
        Grid g = patchEmbed.grid(image.dim(1), image.dim(2));
        grid = g;
        int n = g.tokens();
        Tensor x = ctx.saved.allocate(batch, n + 2, dim);
        long mark = ctx.scratch.mark();
        Tensor patches = ctx.scratch.allocate(batch, g.h(), g.w(), dim);
        patchEmbed.forward(ctx, image, patches);
        Tensor pos = position.forward(ctx.scratch, g);
        for (int b = 0; b < batch; b++) {
            Tensor xb = x.select(0, b);
            xb.select(0, 0).copyFrom(cls.reshape(dim));
            xb.select(0, 1).copyFrom(dist.reshape(dim));
            xb.slice(0, 2, n + 2).copyFrom(patches.select(0, b).reshape(n, dim));
            ResidualAdd.forward(ctx.pool, xb, pos, xb);
        }
        ctx.scratch.release(mark);
        for (VitBlockGrad block : blocks) x = block.forward(ctx, x, rng);

        Tensor special = ctx.saved.allocate(batch, 2, dim).copyFrom(x.slice(1, 0, 2));
        Tensor normed = ctx.saved.allocate(batch, 2, dim);
        norm.forward(ctx, special, normed);
        Tensor pooled = ctx.saved.allocate(batch, dim);
        MeanTokens.forward(ctx.pool, normed, pooled);
        head.forward(ctx, pooled, logits);
    }

    @Override
    void backward(Tensor logitsGrad, Tensor inputGrad, int batch) {
        int n = grid.tokens();
        Tensor dPooled = ctx.scratch.allocate(batch, dim);
        head.backward(ctx, logitsGrad, dPooled);
        Tensor dSpecial = ctx.scratch.allocate(batch, 2, dim);
        MeanTokens.backward(ctx.pool, dPooled, dSpecial);
        norm.backward(ctx, dSpecial, dSpecial);
        Tensor dx = ctx.scratch.allocateZeroed(batch, n + 2, dim);
        dx.slice(1, 0, 2).copyFrom(dSpecial);
        for (int i = blocks.size() - 1; i >= 0; i--) dx = blocks.get(i).backward(ctx, dx);

        Bias.backward(ctx.pool, dx.select(1, 0), dCls.reshape(dim));
        Bias.backward(ctx.pool, dx.select(1, 1), dDist.reshape(dim));
        Tensor dPosGrad = position.parameter().grad();
        Tensor dxRows = dx.reshape(batch, (n + 2) * dim);
        if (grid.equals(position.trainedGrid())) {
            Bias.backward(ctx.pool, dxRows, dPosGrad.reshape((n + 2) * dim));
        } else {
            Tensor dPos = ctx.scratch.allocateZeroed((n + 2) * dim);
            Bias.backward(ctx.pool, dxRows, dPos);
            position.backward(ctx.pool, dPos.reshape(n + 2, dim), grid, dPosGrad, ctx.scratch);
        }
        Tensor dPatches = ctx.scratch.allocate(batch, grid.h(), grid.w(), dim);
        for (int b = 0; b < batch; b++) {
            dPatches.select(0, b).reshape(n, dim).copyFrom(dx.select(0, b).slice(0, 2, n + 2));
        }
        patchEmbed.backward(ctx, dPatches, inputGrad == null ? null : inputGrad.transpose(1, 2));
    }
}
