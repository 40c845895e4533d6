package dev.mast.model.layer;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

import java.util.List;

/**
 * One pre-norm ViT block of AST (timm DeiT Block; spec §7), parameters under {@code blocks.I.}:
 * {@code x += attn.proj(MHSA(attn.qkv(norm1(x))))}, then {@code x += mlp(norm2(x))}. Plain global multi-head
 * self-attention with scale hd^−½, qkv output laid out [Q | K | V], head-major inside each. Works in place.
 */
public final class VitBlock implements Layer {
    private final int dim, heads, headDim;
    private final float scale;
    private final Norm norm1;
    private final Linear qkv;
    private final Linear proj;
    private final Norm norm2;
    private final Mlp mlp;

    public VitBlock(String prefix, int dim, int heads, int mlpHidden, boolean qkvBias, double normEps,
                    ParameterSource src, Backend backend) {
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = (float) Math.pow(headDim, -0.5);
        this.norm1 = new Norm(prefix + "norm1", dim, normEps, src);
        this.qkv = new Linear(prefix + "attn.qkv", dim, 3 * dim, qkvBias, src, backend);
        this.proj = new Linear(prefix + "attn.proj", dim, dim, true, src, backend);
        this.norm2 = new Norm(prefix + "norm2", dim, normEps, src);
        this.mlp = new Mlp(prefix + "mlp.", dim, mlpHidden, dim, src, backend);
    }

    public int heads() {
        return heads;
    }

    /** hd^−½, the score scale. */
    public float scale() {
        return scale;
    }

    public Norm norm1() {
        return norm1;
    }

    public Linear qkv() {
        return qkv;
    }

    public Linear proj() {
        return proj;
    }

    public Norm norm2() {
        return norm2;
    }

    public Mlp mlp() {
        return mlp;
    }

    /** x [B, N, D], updated in place. */
    public void forward(ForwardContext ctx, Tensor x) {
        Backend be = ctx.backend();
        Workspace ws = ctx.ws();
        int batch = x.dim(0), n = x.dim(1);
        long mark = ws.mark();
        Tensor xhat = ws.allocate(batch, n, dim);
        norm1.forward(be, x, xhat);
        Tensor qkvOut = ws.allocate(batch, n, 3 * dim);
        qkv.forward(xhat, qkvOut, Epilogue.NONE);
        Tensor parts = qkvOut.reshape(batch, n, 3, heads, headDim);
        Tensor q = parts.select(2, 0).permute(0, 2, 1, 3);   // [B, heads, N, hd], strided views
        Tensor k = parts.select(2, 1).permute(0, 2, 1, 3);
        Tensor v = parts.select(2, 2).permute(0, 2, 1, 3);
        Tensor z = ws.allocate(batch, n, heads, headDim);
        ScaledDotProductAttention.forward(ctx, q, k, v, z.permute(0, 2, 1, 3), false, scale, null, null);
        proj.forward(z.reshape(batch, n, dim), x, Epilogue.ACCUMULATE);
        ws.release(mark);

        Tensor rows = x.reshape(batch * n, dim);
        mlp.forwardResidual(ctx, norm2, null, rows, rows);
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        norm1.collectParameters(out);
        qkv.collectParameters(out);
        proj.collectParameters(out);
        norm2.collectParameters(out);
        mlp.collectParameters(out);
    }

    @Override
    public void repack() {
        qkv.repack();
        proj.repack();
        mlp.repack();
    }

    @Override
    public void close() {
        qkv.close();
        proj.close();
        mlp.close();
    }
}
