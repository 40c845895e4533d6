package dev.mast.bench;

import dev.mast.engine.kernel.Gelu;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Param;

/**
 * GELU (exact erf form) on MLP hidden activations [tokens, 4·C]: MAST stage widths 96..768 give 384..3072 columns;
 * 1152 tokens is B=8 at T=128 (stage 0), 1212 one 10 s clip, 3200 the largest batch. Reports calls/s and GB/s.
 */
public class GeluBenchmark extends KernelBenchmark {
    @Param({"1152x384", "3200x384", "288x768", "1212x3072"})
    public String shape;

    private Tensor x, y, dy, dx;
    private long n;

    @Override
    protected void prepare(TensorArena arena) {
        int[] d = BenchData.dims(shape);
        x = BenchData.gaussian(arena, 1, 1.5, d);
        dy = BenchData.gaussian(arena, 2, 1, d);
        y = arena.allocate(d);
        dx = arena.allocate(d);
        n = x.size();
    }

    @Benchmark
    public void forward(WorkCounters work) {
        Gelu.forward(pool, x, y);
        work.add(8 * n, 0);
    }

    @Benchmark
    public void backward(WorkCounters work) {
        Gelu.backward(pool, x, dy, dx);
        work.add(12 * n, 0);
    }

    /**
     * Fresh input for the in-place run: applied to its own output again and again, GELU drives the negative half
     * towards zero and into subnormal floats, which would time the wrong data.
     */
    @Setup(Level.Invocation)
    public void refreshInPlaceInput() {
        y.copyFrom(x);
    }

    /** The GEMM epilogue form: one in-place run on the calling thread (threads does not apply). */
    @Benchmark
    public void forwardRunInPlace(WorkCounters work) {
        Gelu.forwardRun(y.storage(), 0, (int) n);
        work.add(8 * n, 0);
    }
}
