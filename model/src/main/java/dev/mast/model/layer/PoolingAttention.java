package dev.mast.model.layer;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

import java.util.List;

/**
 * MViTv2 pooling attention (timm MultiScaleAttention, conv mode, pool_first off; spec §2.5), parameters under
 * {@code PREFIX attn.}:
 * <ol>
 *   <li>{@code qkv}: Linear d_in → 3a, output laid out [Q | K | V], head-major inside each;</li>
 *   <li>{@code pool_q|k|v}: depthwise 3×3 conv, padding 1, no bias, weights [hd, 1, 3, 3] shared by all heads,
 *       stride s_q for Q and s_kv for K and V; then {@code norm_q|k|v}, LayerNorm over hd;</li>
 *   <li>A = (q·hd^−½)·kᵀ + decomposed rel-pos bias (from the unscaled q), P = softmax(A);</li>
 *   <li>Z = P·V + q (residual pooling), heads concatenated head-major, then {@code proj}: Linear a → a.</li>
 * </ol>
 *
 * <p>Activations use a token-major layout [B, N, heads, hd] (= [B, N, a]), so pooled Q, Z and the projection input
 * are the same memory order and per-head views are strided, never copied.
 */
public final class PoolingAttention implements Layer {
    private final int heads, headDim, strideQ, strideKvH, strideKvW;
    private final float scale;
    private final Linear qkv;
    private final Linear proj;
    private final Parameter poolQ, poolK, poolV;
    private final Norm normQ, normK, normV;
    private final RelativePosition relPos;

    /**
     * @param prefix    e.g. {@code stages.1.blocks.0.attn.}
     * @param tableGrid the grid a fresh model sizes its rel-pos tables for
     */
    public PoolingAttention(String prefix, int dimIn, int dimAttn, int heads, boolean qkvBias, int strideQ,
                            int strideKvH, int strideKvW, double normEps, Grid tableGrid, RelPosMode mode,
                            ParameterSource src, Backend backend) {
        this.heads = heads;
        this.headDim = dimAttn / heads;
        this.strideQ = strideQ;
        this.strideKvH = strideKvH;
        this.strideKvW = strideKvW;
        this.scale = (float) Math.pow(headDim, -0.5);
        // Registration order follows the timm state dict: rel-pos tables, qkv, proj, then pool/norm per Q, K, V.
        Grid q = tableGrid.pooled(strideQ, strideQ), kv = tableGrid.pooled(strideKvH, strideKvW);
        this.relPos = new RelativePosition(prefix, headDim, RelativePosition.freshRows(q.h(), kv.h()),
                RelativePosition.freshRows(q.w(), kv.w()), mode, src);
        this.qkv = new Linear(prefix + "qkv", dimIn, 3 * dimAttn, qkvBias, src, backend);
        this.proj = new Linear(prefix + "proj", dimAttn, dimAttn, true, src, backend);
        this.poolQ = poolWeight(prefix + "pool_q.weight", src);
        this.normQ = new Norm(prefix + "norm_q", headDim, normEps, src);
        this.poolK = poolWeight(prefix + "pool_k.weight", src);
        this.normK = new Norm(prefix + "norm_k", headDim, normEps, src);
        this.poolV = poolWeight(prefix + "pool_v.weight", src);
        this.normV = new Norm(prefix + "norm_v", headDim, normEps, src);
    }

    private Parameter poolWeight(String name, ParameterSource src) {
        return new Parameter(name, Parameter.Kind.WEIGHT, src.take(new ParameterSpec(name, Parameter.Kind.WEIGHT,
                new int[] {headDim, 1, 3, 3}, ParameterSpec.Init.UNIFORM_FAN_IN, 9, false)));
    }

    public int width() {
        return heads * headDim;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    /** hd^−½, the score scale. */
    public float scale() {
        return scale;
    }

    public int strideQ() {
        return strideQ;
    }

    public int strideKvH() {
        return strideKvH;
    }

    public int strideKvW() {
        return strideKvW;
    }

    public Linear qkv() {
        return qkv;
    }

    public Linear proj() {
        return proj;
    }

    /** The pooling conv weight [hd, 1, 3, 3] of part {@code which}: 0 = Q, 1 = K, 2 = V. */
    public Parameter poolWeight(int which) {
        return switch (which) {
            case 0 -> poolQ;
            case 1 -> poolK;
            case 2 -> poolV;
            default -> throw new IllegalArgumentException("part " + which + " (0 = Q, 1 = K, 2 = V)");
        };
    }

    /** The LayerNorm after pooling of part {@code which}: 0 = Q, 1 = K, 2 = V. */
    public Norm poolNorm(int which) {
        return switch (which) {
            case 0 -> normQ;
            case 1 -> normK;
            case 2 -> normV;
            default -> throw new IllegalArgumentException("part " + which + " (0 = Q, 1 = K, 2 = V)");
        };
    }

    /** The query (and output) grid for input grid {@code g}. */
    public Grid outputGrid(Grid g) {
        return g.pooled(strideQ, strideQ);
    }

    public RelativePosition relativePosition() {
        return relPos;
    }

    /**
     * residual [B, Hq·Wq, a] += attention(xhat) for the normalised block input xhat [B, H·W, d_in] on grid
     * {@code g}. {@code name} (e.g. {@code block_1_0}) prefixes probe records.
     */
    public void forward(ForwardContext ctx, Tensor xhat, Grid g, Tensor residual, String name) {
        Workspace ws = ctx.ws();
        int batch = xhat.dim(0), a = width();
        Grid gq = g.pooled(strideQ, strideQ), gk = g.pooled(strideKvH, strideKvW);
        long mark = ws.mark();

        Tensor qkvOut = ws.allocate(batch, g.tokens(), 3 * a);
        qkv.forward(xhat, qkvOut, Epilogue.NONE);
        Tensor parts = qkvOut.reshape(batch, g.h(), g.w(), 3, heads, headDim);
        Tensor q = pool(ctx, parts, 0, poolQ, normQ, strideQ, strideQ, gq);
        Tensor k = pool(ctx, parts, 1, poolK, normK, strideKvH, strideKvW, gk);
        Tensor v = pool(ctx, parts, 2, poolV, normV, strideKvH, strideKvW, gk);
        Tensor qh = q.permute(0, 2, 1, 3), kh = k.permute(0, 2, 1, 3), vh = v.permute(0, 2, 1, 3);
        ctx.record(name + "_attn_q", qh);
        ctx.record(name + "_attn_k", kh);
        ctx.record(name + "_attn_v", vh);

        Tensor z = ws.allocate(batch, gq.tokens(), heads, headDim).copyFrom(q); // residual pooling: Z = q + P·V
        ScaledDotProductAttention.forward(ctx, qh, kh, vh, z.permute(0, 2, 1, 3), true, scale,
                (scores, qc) -> relPos.addBias(ctx, scores, qc, gq, gk), name + "_attn");
        proj.forward(z.reshape(batch, gq.tokens(), a), residual, Epilogue.ACCUMULATE);
        ws.release(mark);
    }

    /**
     * Pools part {@code which} (0 = Q, 1 = K, 2 = V) of the qkv output [B, H, W, 3, heads, hd] with the shared
     * depthwise conv, then normalises over hd. Returns [B, N', heads, hd] from the workspace.
     */
    private Tensor pool(ForwardContext ctx, Tensor parts, int which, Parameter weight, Norm norm, int sh, int sw,
                        Grid out) {
        int batch = parts.dim(0);
        Tensor x = parts.select(3, which).permute(0, 3, 1, 2, 4);          // [B, heads, H, W, hd]
        Tensor y = ctx.ws().allocate(batch, out.h(), out.w(), heads, headDim);
        ctx.backend().depthwiseConv3x3(x, weight.value(), sh, sw, y.permute(0, 3, 1, 2, 4));
        norm.forward(ctx.backend(), y, y);
        return y.reshape(batch, out.tokens(), heads, headDim);
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        relPos.collectParameters(out);
        qkv.collectParameters(out);
        proj.collectParameters(out);
        out.add(poolQ);
        normQ.collectParameters(out);
        out.add(poolK);
        normK.collectParameters(out);
        out.add(poolV);
        normV.collectParameters(out);
    }

    @Override
    public void repack() {
        qkv.repack();
        proj.repack();
    }

    @Override
    public void close() {
        qkv.close();
        proj.close();
    }
}
