package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;

/**
 * Receives intermediate tensors during a forward pass, for tests and debugging: {@code patch_embed},
 * {@code block_S_B}, {@code block_S_B_attn_q|k|v} (B, heads, N, head_dim), {@code block_S_B_attn_attn} (the softmax
 * probabilities), {@code stageS}, {@code pooled}, {@code logits} (AST: {@code block_I} instead of stage/blocks).
 * The tensor is valid only during the call: copy what you keep.
 */
@FunctionalInterface
public interface ForwardProbe {
    void record(String name, Tensor value);
}
