package dev.mast.model.training;

import dev.mast.engine.kernel.Bias;
import dev.mast.engine.kernel.Im2Col;
import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.PatchEmbed;

/**
 * Training passes of the patch stem ({@link PatchEmbed}), a one-channel convolution run as a GEMM on its windows
 * (cols = {@link Im2Col} of the image, rows = output positions):
 * <pre>
 *   forward:  y = cols·Wᵀ + b              W [C, kh·kw]
 *   backward: dW += dyᵀ·cols,  db += Σ_rows dy
 *             dimage = col2im(dy·W)        (only when the input gradient is wanted)
 * </pre>
 * Keeps the windows (rows × kh·kw).
 */
final class PatchEmbedGrad {
    private final Tensor weight, bias, dWeight, dBias;
    private final Im2Col.Geometry geometry;
    private final PatchEmbed layer;
    private Tensor cols;

    PatchEmbedGrad(PatchEmbed layer) {
        this.layer = layer;
        int c = layer.channels();
        this.geometry = layer.geometry();
        int kk = geometry.kernelH() * geometry.kernelW();
        this.weight = layer.weight().value().reshape(c, kk);
        this.dWeight = layer.weight().grad().reshape(c, kk);
        this.bias = layer.bias().value();
        this.dBias = layer.bias().grad();
    }

    int channels() {
        return layer.channels();
    }

    Grid grid(int height, int width) {
        return layer.grid(height, width);
    }

    /** image [B, H, W] (any strides) to y [B, Ho, Wo, C] (contiguous). */
    void forward(TrainContext ctx, Tensor image, Tensor y) {
        int batch = image.dim(0), ho = y.dim(1), wo = y.dim(2), kk = weight.dim(1);
        cols = ctx.saved.allocate(batch, ho, wo, kk);
        Im2Col.forward(ctx.pool, image, geometry, cols);
        Tensor rows = y.reshape(batch * ho * wo, channels());
        Bias.fill(ctx.pool, bias, rows);
        Sgemm.matmul(ctx.pool, cols.reshape(batch * ho * wo, kk), weight.transpose(0, 1), rows, 1f, true);
    }

    /** dy [B, Ho, Wo, C] (contiguous); dimage [B, H, W] (any strides, overwritten) or null. */
    void backward(TrainContext ctx, Tensor dy, Tensor dimage) {
        int kk = weight.dim(1);
        Tensor dyRows = dy.reshape(-1, channels()), colRows = cols.reshape(-1, kk);
        Sgemm.matmul(ctx.pool, dyRows.transpose(0, 1), colRows, dWeight, 1f, true);
        Bias.backward(ctx.pool, dyRows, dBias);
        if (dimage == null) return;
        long mark = ctx.scratch.mark();
        Tensor dcols = ctx.scratch.allocate(cols.shape());
        Sgemm.matmul(ctx.pool, dyRows, weight, dcols.reshape(-1, kk), 1f, false);
        Im2Col.backward(ctx.pool, dcols, geometry, dimage);
        ctx.scratch.release(mark);
    }
}
