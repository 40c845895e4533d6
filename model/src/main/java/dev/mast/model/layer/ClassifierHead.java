package dev.mast.model.layer;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

import java.util.List;

/** The task head of LAPE/AST: {@code mlp_head.0} LayerNorm (eps 1e-5 by default), then {@code mlp_head.1} Linear. */
public final class ClassifierHead implements Layer {
    private final Norm norm;
    private final Linear linear;

    public ClassifierHead(int dim, int classes, double eps, ParameterSource src, Backend be) {
        this.norm = new Norm("mlp_head.0", dim, eps, src);
        this.linear = new Linear("mlp_head.1", dim, classes, true, src, be);
    }

    public int classes() {
        return linear.outFeatures();
    }

    public Norm norm() {
        return norm;
    }

    public Linear linear() {
        return linear;
    }

    /** embedding [B, D] to logits [B, K] (contiguous). */
    public void forward(ForwardContext ctx, Tensor embedding, Tensor logits) {
        Workspace ws = ctx.ws();
        long mark = ws.mark();
        Tensor h = ws.allocate(embedding.shape());
        norm.forward(ctx.backend(), embedding, h);
        linear.forward(h, logits, Epilogue.NONE);
        ws.release(mark);
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        norm.collectParameters(out);
        linear.collectParameters(out);
    }

    @Override
    public void repack() {
        linear.repack();
    }

    @Override
    public void close() {
        linear.close();
    }
}
