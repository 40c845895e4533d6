package dev.mast.model.training;

import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.kernel.Softmax;
import dev.mast.engine.tensor.Tensor;

/**
 * Training passes of the attention core shared by MAST and AST, on per-head views q [B, h, Nq, d], k and v
 * [B, h, Nk, d] (any strides):
 * <pre>
 *   forward:  S = scale·q·kᵀ + bias(q),  P = softmax(S),  out (+)= P·v
 *   backward: dP = dout·vᵀ,  dv = Pᵀ·dout,  dS = P ⊙ (dP − rowsum(dP ⊙ P))
 *             dq (+)= scale·dS·k + ∂bias/∂q,  dk = scale·dSᵀ·q
 * </pre>
 * The forward pass keeps P [B, h, Nq, Nk] and references to q, k and v, which the caller leaves unchanged. The
 * backward pass runs over batch chunks that bound its score-sized scratch.
 */
final class AttentionCore {
    /** Largest dP chunk of the backward pass, in floats (64 MiB). */
    private static final long MAX_SCORE_FLOATS = 1L << 24;

    /** A term added to the scaled scores before the softmax, with its backward. */
    interface ScoreBias {
        /** scores [nb, h, Nq, Nk] += bias(q) for the queries q [nb, h, Nq, d]. */
        void forward(TrainContext ctx, Tensor scores, Tensor q);

        /** dq += ∂/∂q of ⟨dScores, bias(q)⟩, and the bias's own parameter gradients. */
        void backward(TrainContext ctx, Tensor dScores, Tensor q, Tensor dq);
    }

    private Tensor q, k, v, probs;
    private float scale;
    private ScoreBias bias;

    /** @param bias null for none */
    void forward(TrainContext ctx, Tensor q, Tensor k, Tensor v, Tensor out, boolean accumulate, float scale,
                 ScoreBias bias) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.scale = scale;
        this.bias = bias;
        probs = ctx.saved.allocate(q.dim(0), q.dim(1), q.dim(2), k.dim(2));
        Sgemm.matmul(ctx.pool, q, k.transpose(-2, -1), probs, scale, false);
        if (bias != null) bias.forward(ctx, probs, q);
        Softmax.forward(ctx.pool, probs, probs);
        Sgemm.matmul(ctx.pool, probs, v, out, 1f, accumulate);
    }

    /** dq is added to when {@code accumulateDq} (it then holds another term already), else overwritten. */
    void backward(TrainContext ctx, Tensor dout, Tensor dq, Tensor dk, Tensor dv, boolean accumulateDq) {
        int batch = q.dim(0), heads = q.dim(1), nq = q.dim(2), nk = k.dim(2);
        long perItem = (long) heads * nq * nk;
        int chunk = (int) Math.max(1, Math.min(batch, MAX_SCORE_FLOATS / perItem));
        for (int b0 = 0; b0 < batch; b0 += chunk) {
            int b1 = Math.min(batch, b0 + chunk);
            long mark = ctx.scratch.mark();
            Tensor p = probs.slice(0, b0, b1), qc = q.slice(0, b0, b1), kc = k.slice(0, b0, b1);
            Tensor doc = dout.slice(0, b0, b1), dqc = dq.slice(0, b0, b1);
            Tensor ds = ctx.scratch.allocate(b1 - b0, heads, nq, nk);
            Sgemm.matmul(ctx.pool, doc, v.slice(0, b0, b1).transpose(-2, -1), ds, 1f, false);
            Sgemm.matmul(ctx.pool, p.transpose(-2, -1), doc, dv.slice(0, b0, b1), 1f, false);
            Softmax.backward(ctx.pool, p, ds, ds);
            Sgemm.matmul(ctx.pool, ds, kc, dqc, scale, accumulateDq);
            if (bias != null) bias.backward(ctx, ds, qc, dqc);
            Sgemm.matmul(ctx.pool, ds.transpose(-2, -1), qc, dk.slice(0, b0, b1), scale, false);
            ctx.scratch.release(mark);
        }
    }
}
