package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * A named, trainable tensor of a model (timm/LAPE naming, e.g. {@code stages.1.blocks.0.attn.qkv.weight}) with
 * its gradient, which training allocates on demand.
 */
public final class Parameter {
    /** What a parameter is, so that optimisers can treat kinds differently (e.g. no weight decay on norms). */
    public enum Kind {
        /** Linear and convolution weights. */
        WEIGHT,
        /** Biases of linear layers and convolutions. */
        BIAS,
        /** LayerNorm gains and offsets. */
        NORM,
        /** Relative-position tables. */
        REL_POS,
        /** Learned tokens and position embeddings (AST). */
        EMBEDDING
    }

    private final String name;
    private final Kind kind;
    private final Tensor value;
    private Tensor grad;

    public Parameter(String name, Kind kind, Tensor value) {
        this.name = name;
        this.kind = kind;
        this.value = value;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The parameter's values; its shape never changes. */
    public Tensor value() {
        return value;
    }

    /** The gradient (same shape as the value), or null before {@link #allocateGrad}. */
    public Tensor grad() {
        return grad;
    }

    /** Allocates a zeroed gradient in {@code arena} if there is none yet; returns it. */
    public Tensor allocateGrad(Arena arena) {
        if (grad == null) grad = Tensor.allocate(arena, value.shape());
        return grad;
    }

    /** Forgets the gradient (its memory belongs to the arena that {@link #allocateGrad} was given). */
    public void clearGrad() {
        grad = null;
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
