package dev.mast.model.training;

import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.ClassifierHead;

/** Training passes of the task head ({@link ClassifierHead}): LayerNorm, then Linear. */
final class HeadGrad {
    private final NormGrad norm;
    private final LinearGrad linear;

    HeadGrad(ClassifierHead head) {
        this.norm = new NormGrad(head.norm());
        this.linear = new LinearGrad(head.linear());
    }

    /** embedding [B, D] (kept) to logits [B, K]. */
    void forward(TrainContext ctx, Tensor embedding, Tensor logits) {
        Tensor h = ctx.saved.allocate(embedding.shape());
        norm.forward(ctx, embedding, h);
        linear.forward(ctx, h, logits, false);
    }

    /** dEmbedding [B, D] (overwritten) from dLogits [B, K]. */
    void backward(TrainContext ctx, Tensor dLogits, Tensor dEmbedding) {
        long mark = ctx.scratch.mark();
        Tensor dh = ctx.scratch.allocate(dEmbedding.shape());
        linear.backward(ctx, dLogits, dh, false);
        norm.backward(ctx, dh, dEmbedding);
        ctx.scratch.release(mark);
    }
}
