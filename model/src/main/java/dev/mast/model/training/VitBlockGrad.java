package dev.mast.model.training;

import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.VitBlock;

import java.util.random.RandomGenerator;

/**
 * Training passes of one pre-norm ViT block of AST ({@link VitBlock}), with optional drop-path on both residual
 * branches:
 * <pre>
 *   forward:  x̂ = norm1(x);  [q | k | v] = qkv(x̂);  xa = x + dp1(proj(softmax(hd^−½·q·kᵀ)·v))
 *             y = xa + dp2(mlp(norm2(xa)))
 *   backward: dxa = dy + norm2 backward(mlp backward(dp2(dy)));  dZ = proj backward(dp1(dxa))
 *             d[q | k | v] = attention-core backward(dZ);  dx = dxa + norm1 backward(qkv backward(d[q | k | v]))
 * </pre>
 */
final class VitBlockGrad {
    private final NormGrad norm1, norm2;
    private final LinearGrad qkv, proj;
    private final MlpGrad mlp;
    private final AttentionCore core = new AttentionCore();
    private final DropPath dropAttn, dropMlp;
    private final int heads;
    private final float scale;

    VitBlockGrad(VitBlock block, double dropPathRate) {
        this.norm1 = new NormGrad(block.norm1());
        this.norm2 = new NormGrad(block.norm2());
        this.qkv = new LinearGrad(block.qkv());
        this.proj = new LinearGrad(block.proj());
        this.mlp = new MlpGrad(block.mlp());
        this.heads = block.heads();
        this.scale = block.scale();
        this.dropAttn = new DropPath(dropPathRate);
        this.dropMlp = new DropPath(dropPathRate);
    }

    /** [q | k | v] part {@code which} of a [B, N, 3D] tensor, per head: [B, heads, N, hd]. */
    private Tensor part(Tensor t, int which) {
        int d = t.dim(2) / 3;
        return t.reshape(t.dim(0), t.dim(1), 3, heads, d / heads).select(2, which).permute(0, 2, 1, 3);
    }

    /** x [B, N, D] (kept unchanged) to a new [B, N, D] in the saved workspace. */
    Tensor forward(TrainContext ctx, Tensor x, RandomGenerator rng) {
        int batch = x.dim(0), n = x.dim(1), d = x.dim(2), rows = batch * n;
        Tensor xhat = ctx.saved.allocate(rows, d);
        norm1.forward(ctx, x.reshape(rows, d), xhat);
        Tensor qkvOut = ctx.saved.allocate(batch, n, 3 * d);
        qkv.forward(ctx, xhat, qkvOut.reshape(rows, 3 * d), false);
        Tensor z = ctx.saved.allocate(batch, n, heads, d / heads);
        core.forward(ctx, part(qkvOut, 0), part(qkvOut, 1), part(qkvOut, 2), z.permute(0, 2, 1, 3), false, scale,
                null);
        Tensor xa = ctx.saved.allocate(batch, n, d).copyFrom(x);
        dropAttn.addBranch(ctx, rng, xa, (out, acc) -> proj.forward(ctx, z.reshape(rows, d), out, acc));

        Tensor xhat2 = ctx.saved.allocate(rows, d);
        norm2.forward(ctx, xa.reshape(rows, d), xhat2);
        Tensor out = ctx.saved.allocate(batch, n, d).copyFrom(xa);
        dropMlp.addBranch(ctx, rng, out, (o, acc) -> mlp.forward(ctx, xhat2, o, acc));
        return out;
    }

    /** dy [B, N, D] to the input gradient [B, N, D] (from ctx.scratch, kept). */
    Tensor backward(TrainContext ctx, Tensor dy) {
        int batch = dy.dim(0), n = dy.dim(1), d = dy.dim(2), rows = batch * n;
        Tensor dx = ctx.scratch.allocate(batch, n, d);
        long mark = ctx.scratch.mark();
        Tensor dxhat = ctx.scratch.allocate(rows, d);
        mlp.backward(ctx, dropMlp.branchGradient(ctx, dy).reshape(rows, d), dxhat, false);
        Tensor dxa = ctx.scratch.allocate(batch, n, d);
        norm2.backward(ctx, dxhat, dxa.reshape(rows, d));
        ResidualAdd.forward(ctx.pool, dxa, dy, dxa);

        Tensor dz = ctx.scratch.allocate(batch, n, heads, d / heads);
        proj.backward(ctx, dropAttn.branchGradient(ctx, dxa).reshape(rows, d), dz.reshape(rows, d), false);
        Tensor dqkv = ctx.scratch.allocate(batch, n, 3 * d);
        core.backward(ctx, dz.permute(0, 2, 1, 3), part(dqkv, 0), part(dqkv, 1), part(dqkv, 2), false);
        qkv.backward(ctx, dqkv.reshape(rows, 3 * d), dxhat, false);
        norm1.backward(ctx, dxhat, dx.reshape(rows, d));
        ResidualAdd.forward(ctx.pool, dx, dxa, dx);
        ctx.scratch.release(mark);
        return dx;
    }
}
