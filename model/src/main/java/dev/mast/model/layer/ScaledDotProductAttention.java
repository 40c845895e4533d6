package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

/**
 * The attention core shared by MAST and AST: {@code out (+)= softmax(scale·q·kᵀ + bias)·v} on per-head views
 * q [B, h, Nq, d], k and v [B, h, Nk, d] (any strides). The score matrix comes from the workspace, in batch chunks
 * that keep it under {@link #MAX_SCORE_FLOATS} (long clips at large batch would otherwise need gigabytes).
 */
public final class ScaledDotProductAttention {
    /** Largest score chunk, in floats (64 MiB). */
    static final long MAX_SCORE_FLOATS = 1L << 24;

    private ScaledDotProductAttention() {}

    /** Adds a bias to a chunk of scores [nb, h, Nq, Nk] given the matching query chunk [nb, h, Nq, d]. */
    @FunctionalInterface
    public interface ScoreBias {
        void add(Tensor scores, Tensor q);
    }

    /**
     * @param accumulate add into {@code out} instead of overwriting it (MAST's residual pooling: out holds q)
     * @param bias       added to the scaled scores before the softmax, or null
     * @param probeName  the probe records the probabilities as {@code probeName + "_attn"}; null for none
     */
    public static void forward(ForwardContext ctx, Tensor q, Tensor k, Tensor v, Tensor out, boolean accumulate,
                               float scale, ScoreBias bias, String probeName) {
        forward(ctx, q, k, v, out, accumulate, scale, bias, probeName, MAX_SCORE_FLOATS);
    }

    static void forward(ForwardContext ctx, Tensor q, Tensor k, Tensor v, Tensor out, boolean accumulate,
                        float scale, ScoreBias bias, String probeName, long maxScoreFloats) {
        Backend be = ctx.backend();
        Workspace ws = ctx.ws();
        int batch = q.dim(0), heads = q.dim(1), nq = q.dim(2), nk = k.dim(2);
        long perItem = (long) heads * nq * nk;
        // A probe sees the probabilities of the whole batch at once.
        int chunk = ctx.probing() ? batch : (int) Math.max(1, Math.min(batch, maxScoreFloats / perItem));
        for (int b0 = 0; b0 < batch; b0 += chunk) {
            int b1 = Math.min(batch, b0 + chunk);
            long mark = ws.mark();
            Tensor scores = ws.allocate(b1 - b0, heads, nq, nk);
            Tensor qc = q.slice(0, b0, b1);
            be.matmul(qc, k.slice(0, b0, b1).transpose(-2, -1), scores, scale, false);
            if (bias != null) bias.add(scores, qc);
            be.softmax(scores, scores);
            if (probeName != null) ctx.record(probeName + "_attn", scores);
            be.matmul(scores, v.slice(0, b0, b1), out.slice(0, b0, b1), 1f, accumulate);
            ws.release(mark);
        }
    }
}
