package dev.mast.model.training;

import dev.mast.engine.kernel.DepthwiseConv3x3;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.PoolingAttention;

/**
 * Training passes of MViTv2 pooling attention ({@link PoolingAttention}; spec §2.5), activations token-major
 * [B, N, heads, hd]:
 * <pre>
 *   forward:  [Q | K | V] = qkv(x̂);  q = norm_q(pool_q(Q)), k = norm_k(pool_k(K)), v = norm_v(pool_v(V))
 *             Z = softmax(hd^−½·q·kᵀ + relpos(q))·v + q;  y (+)= proj(Z)
 *   backward: dZ = proj backward;  dq = dZ (residual pooling) + attention-core terms (incl. rel-pos), dk, dv;
 *             through norm_q|k|v (LayerNorm backward) and the depthwise pooling convs (weights shared by all heads:
 *             their gradient sums over heads and batch) into d[Q | K | V];  dx̂ = qkv backward
 * </pre>
 * Keeps the qkv output, the pooled q, k, v before and after their norms, the probabilities and Z.
 */
final class PoolingAttentionGrad {
    private final LinearGrad qkv, proj;
    private final Tensor[] poolWeight = new Tensor[3], poolGrad = new Tensor[3];
    private final NormGrad[] norms = new NormGrad[3];
    private final RelPosGrad relPos;
    private final AttentionCore core = new AttentionCore();
    private final int heads, headDim, strideQ, strideKvH, strideKvW;
    private final float scale;
    private Tensor qkvOut;
    private Grid grid, gridQ, gridKv;

    PoolingAttentionGrad(PoolingAttention layer) {
        this.qkv = new LinearGrad(layer.qkv());
        this.proj = new LinearGrad(layer.proj());
        for (int p = 0; p < 3; p++) {
            poolWeight[p] = layer.poolWeight(p).value();
            poolGrad[p] = layer.poolWeight(p).grad();
            norms[p] = new NormGrad(layer.poolNorm(p));
        }
        this.relPos = new RelPosGrad(layer.relativePosition());
        this.heads = layer.heads();
        this.headDim = layer.headDim();
        this.strideQ = layer.strideQ();
        this.strideKvH = layer.strideKvH();
        this.strideKvW = layer.strideKvW();
        this.scale = layer.scale();
    }

    private int width() {
        return heads * headDim;
    }

    /** y [B, Nq, a] (+)= attention(x̂) for x̂ [B, N, d_in] (kept) on grid g. */
    void forward(TrainContext ctx, Tensor xhat, Grid g, Tensor y, boolean accumulate) {
        int batch = xhat.dim(0), a = width();
        grid = g;
        gridQ = g.pooled(strideQ, strideQ);
        gridKv = g.pooled(strideKvH, strideKvW);
        qkvOut = ctx.saved.allocate(batch, g.tokens(), 3 * a);
        qkv.forward(ctx, xhat.reshape(batch * g.tokens(), xhat.dim(2)), qkvOut.reshape(batch * g.tokens(), 3 * a),
                false);
        Tensor q = pool(ctx, 0, gridQ, strideQ, strideQ);
        Tensor k = pool(ctx, 1, gridKv, strideKvH, strideKvW);
        Tensor v = pool(ctx, 2, gridKv, strideKvH, strideKvW);
        Tensor z = ctx.saved.allocate(batch, gridQ.tokens(), heads, headDim).copyFrom(q); // residual pooling
        relPos.prepare(ctx, gridQ, gridKv);
        core.forward(ctx, heads(q), heads(k), heads(v), heads(z), true, scale, relPos);
        proj.forward(ctx, z.reshape(batch * gridQ.tokens(), a), y.reshape(batch * gridQ.tokens(), a), accumulate);
    }

    /** dx̂ [B, N, d_in] (+)= ∂/∂x̂ for dy [B, Nq, a]. */
    void backward(TrainContext ctx, Tensor dy, Tensor dxhat, boolean accumulateDx) {
        int batch = dy.dim(0), a = width(), nq = gridQ.tokens(), nk = gridKv.tokens();
        long mark = ctx.scratch.mark();
        Tensor dz = ctx.scratch.allocate(batch, nq, heads, headDim);
        proj.backward(ctx, dy.reshape(batch * nq, a), dz.reshape(batch * nq, a), false);
        Tensor dq = ctx.scratch.allocate(batch, nq, heads, headDim).copyFrom(dz); // residual pooling
        Tensor dk = ctx.scratch.allocate(batch, nk, heads, headDim);
        Tensor dv = ctx.scratch.allocate(batch, nk, heads, headDim);
        core.backward(ctx, heads(dz), heads(dq), heads(dk), heads(dv), true);

        Tensor dqkv = ctx.scratch.allocate(batch, grid.tokens(), 3 * a);
        unpool(ctx, 0, dq, gridQ, strideQ, strideQ, dqkv);
        unpool(ctx, 1, dk, gridKv, strideKvH, strideKvW, dqkv);
        unpool(ctx, 2, dv, gridKv, strideKvH, strideKvW, dqkv);
        qkv.backward(ctx, dqkv.reshape(batch * grid.tokens(), 3 * a), dxhat.reshape(batch * grid.tokens(),
                dxhat.dim(2)), accumulateDx);
        ctx.scratch.release(mark);
    }

    /** [B, N, heads, hd] viewed per head: [B, heads, N, hd]. */
    private static Tensor heads(Tensor t) {
        return t.permute(0, 2, 1, 3);
    }

    /** Part {@code which} of a [B, N, 3a] qkv-shaped tensor as images [B, heads, H, W, hd]. */
    private Tensor part(Tensor t, int which) {
        return t.reshape(t.dim(0), grid.h(), grid.w(), 3, heads, headDim).select(3, which).permute(0, 3, 1, 2, 4);
    }

    /** Pools and normalises part {@code which}: [B, N', heads, hd] in the saved workspace. */
    private Tensor pool(TrainContext ctx, int which, Grid out, int sh, int sw) {
        int batch = qkvOut.dim(0);
        Tensor pooled = ctx.saved.allocate(batch, out.h(), out.w(), heads, headDim);
        DepthwiseConv3x3.forward(ctx.pool, part(qkvOut, which), poolWeight[which], sh, sw,
                pooled.permute(0, 3, 1, 2, 4));
        Tensor normed = ctx.saved.allocate(batch, out.h(), out.w(), heads, headDim);
        norms[which].forward(ctx, pooled, normed);
        return normed.reshape(batch, out.tokens(), heads, headDim);
    }

    /** d(part which) of dqkv from the gradient d [B, N', heads, hd] of the normalised pooled part (overwritten). */
    private void unpool(TrainContext ctx, int which, Tensor d, Grid out, int sh, int sw, Tensor dqkv) {
        Tensor img = d.reshape(d.dim(0), out.h(), out.w(), heads, headDim);
        norms[which].backward(ctx, img, img);
        DepthwiseConv3x3.backward(ctx.pool, part(qkvOut, which), poolWeight[which], img.permute(0, 3, 1, 2, 4), sh,
                sw, part(dqkv, which), poolGrad[which]);
    }
}
