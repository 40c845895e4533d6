package dev.mast.bench;

import dev.mast.engine.kernel.DepthwiseConv3x3;
import dev.mast.engine.kernel.MaxPool3x3;
import dev.mast.engine.kernel.Pool3x3;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The 3×3 window kernels on channels-last images [images, H, W, C] (parameter "images x H x W x C x stride"):
 * depthwise conv, the pooling of pooling attention on (B·heads, H, W, head_dim = 96), and max-pool, the skip path
 * (B, H, W, d_out). Shapes: B=8 at T=128 (12×12 grid; Q stride 1, K/V stride 4, stage-1 Q stride 2 over 2 heads),
 * one 10 s clip (12×101 grid), and the stage-1 skip max-pool over 192 channels. Reports calls/s, GB/s and GFLOPS
 * (the conv's multiply-adds count 2; max-pool compares count 1).
 */
public class WindowKernelsBenchmark extends KernelBenchmark {
    @Param({"8x12x12x96x1", "8x12x12x96x4", "16x12x12x96x2", "1x12x101x96x1", "8x12x12x192x2"})
    public String shape;

    private Tensor x, weight, y, dy, dx, dweight;
    private int stride;
    private long in, out, channels;

    @Override
    protected void prepare(TensorArena arena) {
        int[] d = BenchData.dims(shape);
        int images = d[0], h = d[1], w = d[2], c = d[3];
        stride = d[4];
        int ho = Pool3x3.outputSize(h, stride), wo = Pool3x3.outputSize(w, stride);
        x = BenchData.gaussian(arena, 1, 1, images, h, w, c);
        weight = BenchData.gaussian(arena, 2, 0.3, c, 1, 3, 3);
        dy = BenchData.gaussian(arena, 3, 1, images, ho, wo, c);
        y = arena.allocate(images, ho, wo, c);
        dx = arena.allocate(images, h, w, c);
        dweight = arena.allocate(c, 1, 3, 3);
        in = x.size();
        out = y.size();
        channels = c;
    }

    @Benchmark
    public void convForward(WorkCounters work) {
        DepthwiseConv3x3.forward(pool, x, weight, stride, stride, y);
        work.add(4 * (in + out + 9 * channels), 18 * out);
    }

    /** dx and dweight: each twice the forward's multiply-adds. */
    @Benchmark
    public void convBackward(WorkCounters work) {
        DepthwiseConv3x3.backward(pool, x, weight, dy, stride, stride, dx, dweight);
        work.add(4 * (2 * in + out + 18 * channels), 36 * out);
    }

    @Benchmark
    public void maxPoolForward(WorkCounters work) {
        MaxPool3x3.forward(pool, x, stride, stride, y);
        work.add(4 * (in + out), 9 * out);
    }

    @Benchmark
    public void maxPoolBackward(WorkCounters work) {
        MaxPool3x3.backward(pool, x, dy, stride, stride, dx);
        work.add(4 * (2 * in + out), 9 * out);
    }
}
