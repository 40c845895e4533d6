package dev.mast.model.layer;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

import java.util.List;

/**
 * One MViTv2 block (timm MultiScaleBlock; spec §2.4), parameters under {@code stages.S.blocks.B.}:
 * <pre>
 *   x̂  = norm1(x)
 *   sc = shortcut_proj_attn(x̂) if the width grows in attention, else x;  max-pool 3×3/s_q if s_q > 1
 *   x  = sc + attn(x̂)                                  (width a)
 *   x̂2 = norm2(x)
 *   sc2 = shortcut_proj_mlp(x̂2) if the width grows in the MLP, else x
 *   y  = sc2 + mlp.fc2(gelu(mlp.fc1(x̂2)))              (width d_out)
 * </pre>
 * A block that neither pools nor changes width works in place on its input; the others write a new activation.
 */
public final class MultiScaleBlock implements Layer {
    private final int dimIn, dimAttn, dimOut, strideQ;
    private final Norm norm1;
    private final Linear shortcutProjAttn;
    private final PoolingAttention attn;
    private final Norm norm2;
    private final Linear shortcutProjMlp;
    private final Mlp mlp;

    /**
     * @param prefix    {@code stages.S.blocks.B.}
     * @param tableGrid the input grid a fresh model sizes its rel-pos tables for
     */
    public MultiScaleBlock(String prefix, int dimIn, int dimAttn, int dimOut, int heads, int mlpHidden,
                           boolean qkvBias, boolean projAttn, boolean projMlp, int strideQ, int strideKvH,
                           int strideKvW, double normEps, Grid tableGrid, RelPosMode mode, ParameterSource src,
                           Backend backend) {
        this.dimIn = dimIn;
        this.dimAttn = dimAttn;
        this.dimOut = dimOut;
        this.strideQ = strideQ;
        this.norm1 = new Norm(prefix + "norm1", dimIn, normEps, src);
        this.shortcutProjAttn = projAttn
                ? new Linear(prefix + "shortcut_proj_attn", dimIn, dimOut, true, src, backend) : null;
        this.attn = new PoolingAttention(prefix + "attn.", dimIn, dimAttn, heads, qkvBias, strideQ, strideKvH,
                strideKvW, normEps, tableGrid, mode, src, backend);
        this.norm2 = new Norm(prefix + "norm2", dimAttn, normEps, src);
        this.shortcutProjMlp = projMlp
                ? new Linear(prefix + "shortcut_proj_mlp", dimAttn, dimOut, true, src, backend) : null;
        this.mlp = new Mlp(prefix + "mlp.", dimAttn, mlpHidden, dimOut, src, backend);
    }

    public int dimIn() {
        return dimIn;
    }

    public int dimAttn() {
        return dimAttn;
    }

    public int dimOut() {
        return dimOut;
    }

    /** The query stride (and that of the max-pooled skip path). */
    public int strideQ() {
        return strideQ;
    }

    public Norm norm1() {
        return norm1;
    }

    /** The skip projection when the width grows in attention, else null. */
    public Linear shortcutProjAttn() {
        return shortcutProjAttn;
    }

    public Norm norm2() {
        return norm2;
    }

    /** The skip projection when the width grows in the MLP, else null. */
    public Linear shortcutProjMlp() {
        return shortcutProjMlp;
    }

    public Mlp mlp() {
        return mlp;
    }

    public PoolingAttention attention() {
        return attn;
    }

    /** The output grid for input grid {@code g}. */
    public Grid outputGrid(Grid g) {
        return attn.outputGrid(g);
    }

    /**
     * x [B, H·W, d_in] on grid {@code g} to [B, Hq·Wq, d_out]: either x itself (updated in place) or a new tensor
     * from the workspace, allocated before the block's scratch so it outlives it.
     */
    public Tensor forward(ForwardContext ctx, Tensor x, Grid g, String name) {
        Backend be = ctx.backend();
        Workspace ws = ctx.ws();
        int batch = x.dim(0);
        Grid gq = attn.outputGrid(g);
        boolean attnInPlace = strideQ == 1 && shortcutProjAttn == null;
        Tensor attnOut = attnInPlace ? x : ws.allocate(batch, gq.tokens(), dimAttn);
        Tensor out = shortcutProjMlp == null ? attnOut : ws.allocate(batch, gq.tokens(), dimOut);

        long mark = ws.mark();
        Tensor xhat = ws.allocate(batch, g.tokens(), dimIn);
        norm1.forward(be, x, xhat);
        if (!attnInPlace) {
            Tensor sc = x;
            if (shortcutProjAttn != null) {
                sc = ws.allocate(batch, g.tokens(), dimAttn);
                shortcutProjAttn.forward(xhat, sc, Epilogue.NONE);
            }
            if (strideQ > 1) {
                be.maxPool3x3(sc.reshape(batch, g.h(), g.w(), dimAttn), strideQ, strideQ,
                        attnOut.reshape(batch, gq.h(), gq.w(), dimAttn));
            } else {
                attnOut.copyFrom(sc);
            }
        }
        attn.forward(ctx, xhat, g, attnOut, name);
        ws.release(mark);

        int rows = batch * gq.tokens();
        mlp.forwardResidual(ctx, norm2, shortcutProjMlp, attnOut.reshape(rows, dimAttn), out.reshape(rows, dimOut));
        return out;
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        norm1.collectParameters(out);
        if (shortcutProjAttn != null) shortcutProjAttn.collectParameters(out);
        attn.collectParameters(out);
        norm2.collectParameters(out);
        if (shortcutProjMlp != null) shortcutProjMlp.collectParameters(out);
        mlp.collectParameters(out);
    }

    @Override
    public void repack() {
        if (shortcutProjAttn != null) shortcutProjAttn.repack();
        attn.repack();
        if (shortcutProjMlp != null) shortcutProjMlp.repack();
        mlp.repack();
    }

    @Override
    public void close() {
        if (shortcutProjAttn != null) shortcutProjAttn.close();
        attn.close();
        if (shortcutProjMlp != null) shortcutProjMlp.close();
        mlp.close();
    }
}
