package dev.mast.model.training;

import dev.mast.engine.kernel.MaxPool3x3;
import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.MultiScaleBlock;

import java.util.random.RandomGenerator;

/**
 * Training passes of one MViTv2 block ({@link MultiScaleBlock}; spec §2.4), with optional drop-path on both
 * residual branches:
 * <pre>
 *   forward:  x̂ = norm1(x);  sc = maxpool(proj_attn(x̂) or x);  xa = sc + dp1(attn(x̂))
 *             x̂2 = norm2(xa);  y = (proj_mlp(x̂2) or xa) + dp2(mlp(x̂2))
 *   backward: dx̂2 = mlp backward(dp2(dy)) [+ proj_mlp backward(dy)];  dxa = norm2 backward(dx̂2) [+ dy]
 *             dx̂ = attn backward(dp1(dxa));  dsc = maxpool backward(dxa) [or dxa]
 *             dx̂ += proj_attn backward(dsc)  or  dx = dsc;  dx += norm1 backward(dx̂)
 * </pre>
 * Keeps x (by reference: the previous block's output), x̂, the skip path before pooling, xa, x̂2, the output, and
 * what the attention and the MLP keep.
 */
final class MultiScaleBlockGrad {
    private final NormGrad norm1, norm2;
    private final LinearGrad shortcutAttn, shortcutMlp;
    private final PoolingAttentionGrad attn;
    private final MlpGrad mlp;
    private final DropPath dropAttn, dropMlp;
    private final MultiScaleBlock block;
    private Tensor skip;
    private Grid grid;

    MultiScaleBlockGrad(MultiScaleBlock block, double dropPathRate) {
        this.block = block;
        this.norm1 = new NormGrad(block.norm1());
        this.norm2 = new NormGrad(block.norm2());
        this.shortcutAttn = block.shortcutProjAttn() == null ? null : new LinearGrad(block.shortcutProjAttn());
        this.shortcutMlp = block.shortcutProjMlp() == null ? null : new LinearGrad(block.shortcutProjMlp());
        this.attn = new PoolingAttentionGrad(block.attention());
        this.mlp = new MlpGrad(block.mlp());
        this.dropAttn = new DropPath(dropPathRate);
        this.dropMlp = new DropPath(dropPathRate);
    }

    Grid outputGrid(Grid g) {
        return block.outputGrid(g);
    }

    /** x [B, H·W, d_in] on grid g (kept unchanged) to a new [B, Hq·Wq, d_out] in the saved workspace. */
    Tensor forward(TrainContext ctx, Tensor x, Grid g, RandomGenerator rng) {
        int batch = x.dim(0), dimIn = block.dimIn(), dimAttn = block.dimAttn(), dimOut = block.dimOut();
        grid = g;
        Grid gq = block.outputGrid(g);
        int rowsIn = batch * g.tokens(), rowsOut = batch * gq.tokens();

        Tensor xhat = ctx.saved.allocate(batch, g.tokens(), dimIn);
        norm1.forward(ctx, x, xhat);
        skip = x;
        if (shortcutAttn != null) {
            skip = ctx.saved.allocate(batch, g.tokens(), dimAttn);
            shortcutAttn.forward(ctx, xhat.reshape(rowsIn, dimIn), skip.reshape(rowsIn, dimAttn), false);
        }
        Tensor xa = ctx.saved.allocate(batch, gq.tokens(), dimAttn);
        if (block.strideQ() > 1) {
            MaxPool3x3.forward(ctx.pool, skip.reshape(batch, g.h(), g.w(), dimAttn), block.strideQ(), block.strideQ(),
                    xa.reshape(batch, gq.h(), gq.w(), dimAttn));
        } else {
            xa.copyFrom(skip);
        }
        dropAttn.addBranch(ctx, rng, xa, (o, acc) -> attn.forward(ctx, xhat, g, o.reshape(batch, gq.tokens(), dimAttn),
                acc));

        Tensor xhat2 = ctx.saved.allocate(rowsOut, dimAttn);
        norm2.forward(ctx, xa.reshape(rowsOut, dimAttn), xhat2);
        Tensor out = ctx.saved.allocate(batch, gq.tokens(), dimOut);
        Tensor outRows = out.reshape(rowsOut, dimOut);
        if (shortcutMlp != null) {
            shortcutMlp.forward(ctx, xhat2, outRows, false);
        } else {
            out.copyFrom(xa);
        }
        dropMlp.addBranch(ctx, rng, out, (o, acc) -> mlp.forward(ctx, xhat2, o, acc));
        return out;
    }

    /** The gradient [B, H·W, d_in] of the block input (from ctx.scratch, kept) for dy [B, Hq·Wq, d_out]. */
    Tensor backward(TrainContext ctx, Tensor dy) {
        int batch = dy.dim(0), dimIn = block.dimIn(), dimAttn = block.dimAttn(), dimOut = block.dimOut();
        Grid g = grid, gq = block.outputGrid(g);
        int rowsIn = batch * g.tokens(), rowsOut = batch * gq.tokens();
        Tensor dx = ctx.scratch.allocate(batch, g.tokens(), dimIn);
        long mark = ctx.scratch.mark();
        Tensor dyRows = dy.reshape(rowsOut, dimOut);

        Tensor dxhat2 = ctx.scratch.allocate(rowsOut, dimAttn);
        mlp.backward(ctx, dropMlp.branchGradient(ctx, dy).reshape(rowsOut, dimOut), dxhat2, false);
        if (shortcutMlp != null) shortcutMlp.backward(ctx, dyRows, dxhat2, true);
        Tensor dxa = ctx.scratch.allocate(batch, gq.tokens(), dimAttn);
        norm2.backward(ctx, dxhat2, dxa.reshape(rowsOut, dimAttn));
        if (shortcutMlp == null) ResidualAdd.forward(ctx.pool, dxa, dy, dxa);

        Tensor dxhat = ctx.scratch.allocate(batch, g.tokens(), dimIn);
        attn.backward(ctx, dropAttn.branchGradient(ctx, dxa), dxhat, false);
        Tensor dskip = dxa;
        if (block.strideQ() > 1) {
            dskip = ctx.scratch.allocate(batch, g.tokens(), dimAttn);
            MaxPool3x3.backward(ctx.pool, skip.reshape(batch, g.h(), g.w(), dimAttn),
                    dxa.reshape(batch, gq.h(), gq.w(), dimAttn), block.strideQ(), block.strideQ(),
                    dskip.reshape(batch, g.h(), g.w(), dimAttn));
        }
        if (shortcutAttn != null) {
            shortcutAttn.backward(ctx, dskip.reshape(rowsIn, dimAttn), dxhat.reshape(rowsIn, dimIn), true);
            norm1.backward(ctx, dxhat, dx);
        } else {
            norm1.backward(ctx, dxhat, dx);
            ResidualAdd.forward(ctx.pool, dx, dskip, dx);
        }
        ctx.scratch.release(mark);
        return dx;
    }
}
