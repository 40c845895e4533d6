package dev.mast.model.backend;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;

/**
 * The patch stem prepared by a {@link Backend}: a one-channel convolution to C channels, channels-last output.
 * A derived copy of the parameter values, like {@link LinearOp}. Thread-safe; {@link #close()} frees it.
 */
public interface StemOp extends AutoCloseable {
    int channels();

    int outputHeight(int h);

    int outputWidth(int w);

    /** image [B, H, W] (any strides) to out [B, Ho, Wo, C]; {@code ws} is scratch, released before returning. */
    void forward(Tensor image, Tensor out, Workspace ws);

    @Override
    void close();
}
