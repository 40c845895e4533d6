package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The windows of a one-channel image that a convolution (the patch stem) multiplies with its kernels, as rows of a
 * matrix, and the way back for the input gradient:
 * <pre>
 *   forward:  cols[b, i, j, a·kw + c] = image[b, i·sh − ph + a, j·sw − pw + c]   (0 in the padding)
 *   backward: dimage[b, r, q] = Σ dcols[b, i, j, a·kw + c] over i·sh − ph + a = r, j·sw − pw + c = q
 * </pre>
 * image [B, H, W] (any strides, so the transposed (B, T, F) spectrogram works as it is), cols [B, Ho, Wo, kh·kw]
 * contiguous. The backward gathers each pixel's terms in a fixed order (a, then c, ascending), writing each pixel
 * once: no zeroing, no races, the same bits for any thread count. dimage is overwritten.
 */
public final class Im2Col {
    private Im2Col() {}

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** The geometry of one convolution: kernel, stride and zero padding per axis. */
    public record Geometry(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        public Geometry {
            if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
                throw new IllegalArgumentException("im2col: bad geometry " + kernelH + "x" + kernelW + "/" + strideH
                        + "x" + strideW + " pad " + padH + "x" + padW);
            }
        }

        public int outputHeight(int h) {
            return Math.floorDiv(h + 2 * padH - kernelH, strideH) + 1;
        }

        public int outputWidth(int w) {
            return Math.floorDiv(w + 2 * padW - kernelW, strideW) + 1;
        }
    }

    public static void forward(EnginePool pool, Tensor image, Geometry g, Tensor cols) {
        check("im2col", image, g, cols);
        int batch = image.dim(0), ho = cols.dim(1), wo = cols.dim(2);
        pool.parallelFor(batch * ho, row -> forwardRow(image, g, row / ho, row % ho, cols));
    }

    public static void backward(EnginePool pool, Tensor dcols, Geometry g, Tensor dimage) {
        check("im2col_backward", dimage, g, dcols);
        int batch = dimage.dim(0), h = dimage.dim(1);
        pool.parallelFor(batch * h, row -> backwardRow(dcols, g, row / h, row % h, dimage));
    }

    private static void forwardRow(Tensor image, Geometry g, int b, int i, Tensor cols) {
        MemorySegment src = image.storage(), dst = cols.storage();
        int h = image.dim(1), w = image.dim(2), wo = cols.dim(2), kk = g.kernelH() * g.kernelW();
        long sb = image.stride(0), sh = image.stride(1), sw = image.stride(2);
        long d = cols.offset() + ((long) b * cols.dim(1) + i) * wo * kk;
        for (int j = 0; j < wo; j++) {
            for (int a = 0; a < g.kernelH(); a++) {
                int r = i * g.strideH() - g.padH() + a;
                boolean rowInside = r >= 0 && r < h;
                long rowStart = image.offset() + b * sb + r * sh;
                for (int c = 0; c < g.kernelW(); c++, d++) {
                    int q = j * g.strideW() - g.padW() + c;
                    float v = rowInside && q >= 0 && q < w ? src.getAtIndex(FLOAT, rowStart + q * sw) : 0f;
                    dst.setAtIndex(FLOAT, d, v);
                }
            }
        }
    }

    /** Image row r of batch item b: every pixel gathers the window entries that read it. */
    private static void backwardRow(Tensor dcols, Geometry g, int b, int r, Tensor dimage) {
        MemorySegment src = dcols.storage(), dst = dimage.storage();
        int w = dimage.dim(2), ho = dcols.dim(1), wo = dcols.dim(2), kw = g.kernelW(), kk = g.kernelH() * kw;
        long base = dcols.offset() + (long) b * ho * wo * kk;
        long out = dimage.offset() + b * dimage.stride(0) + r * dimage.stride(1);
        for (int q = 0; q < w; q++) {
            float sum = 0;
            for (int a = 0; a < g.kernelH(); a++) {
                int ti = r + g.padH() - a;                      // = i·sh for the output row i that reads r at tap a
                if (ti < 0 || ti % g.strideH() != 0 || ti / g.strideH() >= ho) continue;
                long rowBase = base + (long) (ti / g.strideH()) * wo * kk + (long) a * kw;
                for (int c = 0; c < kw; c++) {
                    int tj = q + g.padW() - c;
                    if (tj < 0 || tj % g.strideW() != 0 || tj / g.strideW() >= wo) continue;
                    sum += src.getAtIndex(FLOAT, rowBase + (long) (tj / g.strideW()) * kk + c);
                }
            }
            dst.setAtIndex(FLOAT, out + q * dimage.stride(2), sum);
        }
    }

    private static void check(String op, Tensor image, Geometry g, Tensor cols) {
        if (image.rank() != 3 || cols.rank() != 4 || !cols.isContiguous() || cols.dim(0) != image.dim(0)
                || cols.dim(1) != g.outputHeight(image.dim(1)) || cols.dim(2) != g.outputWidth(image.dim(2))
                || cols.dim(3) != g.kernelH() * g.kernelW() || cols.dim(1) < 1 || cols.dim(2) < 1) {
            throw new ShapeMismatchException(op + " " + g.kernelH() + "x" + g.kernelW() + "/" + g.strideH() + "x"
                    + g.strideW() + ": image " + image.shapeString() + " and windows " + cols.shapeString()
                    + " (contiguous [B, Ho, Wo, kh·kw]) do not match");
        }
    }
}
