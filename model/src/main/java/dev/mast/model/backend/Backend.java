package dev.mast.model.backend;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;

/**
 * The operators a MAST or AST forward pass spends its time in. Layers call only these (plus light Java code of
 * their own), so that another implementation (oneDNN) can take over the heavy work without touching the model.
 *
 * <p>Conventions are those of the engine kernels ({@code dev.mast.engine.kernel}): channels-last tensors, PyTorch
 * weight layouts. Outputs are contiguous unless stated; inputs may be strided views where the kernel allows it
 * ({@link #matmul}: any strides; {@link #depthwiseConv3x3} and {@link #maxPool3x3}: any strides with a unit
 * inner stride).
 *
 * <p>Implementations are thread-safe: one backend serves concurrent forward passes, each with its own workspace.
 */
public interface Backend extends AutoCloseable {
    /** Short name for reports, e.g. "java". */
    String name();

    /** Threads the backend runs work on; layers use it for their own light parallel loops. */
    EnginePool pool();

    /** Prepares {@code y = epilogue(x·Wᵀ + b)}; weight [out, in], bias [out] or null. Copies what it needs. */
    LinearOp linear(Tensor weight, Tensor bias);

    /** Prepares the patch stem; weight [C, 1, kh, kw], bias [C] or null. Copies what it needs. */
    StemOp stem(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW);

    /** c = alpha·a·b (+ c when accumulate); a [..., m, k], b [..., k, n], c [..., m, n], any strides. */
    void matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate);

    /** LayerNorm over the last axis; y may be x. */
    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y);

    /** Softmax over the last axis; y may be x. */
    void softmax(Tensor x, Tensor y);

    /** Depthwise 3×3, padding 1, no bias: x [..., H, W, C], weight [C, 1, 3, 3], y [..., Ho, Wo, C]. */
    void depthwiseConv3x3(Tensor x, Tensor weight, int strideH, int strideW, Tensor y);

    /** 3×3 max-pool, padding 1: x [..., H, W, C], y [..., Ho, Wo, C]. */
    void maxPool3x3(Tensor x, int strideH, int strideW, Tensor y);

    /** Mean over tokens: x [B, N, C], y [B, C]. */
    void meanTokens(Tensor x, Tensor y);

    /** out = a + b elementwise; out may be a or b. */
    void add(Tensor a, Tensor b, Tensor out);

    /** Releases the backend's threads and native state (prepared ops must be closed first). */
    @Override
    void close();
}
