package dev.mast.engine.kernel;

/** What a linear layer does with {@code x·Wᵀ + b} before it lands in the output. */
public enum Epilogue {
    /** y = x·Wᵀ + b */
    NONE,
    /** y = gelu(x·Wᵀ + b), exact erf GELU */
    GELU,
    /** y += x·Wᵀ + b (fuses a residual add into the layer) */
    ACCUMULATE
}
