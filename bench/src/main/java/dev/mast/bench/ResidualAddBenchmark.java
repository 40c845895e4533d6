package dev.mast.bench;

import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/** The residual add, in place ({@code x += branch}) as blocks use it, on [tokens, C]. Reports calls/s and GB/s. */
public class ResidualAddBenchmark extends KernelBenchmark {
    @Param({"1152x96", "3200x96", "1212x768"})
    public String shape;

    private Tensor x, branch;

    @Override
    protected void prepare(TensorArena arena) {
        int[] d = BenchData.dims(shape);
        x = BenchData.gaussian(arena, 1, 1, d);
        branch = BenchData.gaussian(arena, 2, 1e-3, d);
    }

    @Benchmark
    public void addInPlace(WorkCounters work) {
        ResidualAdd.forward(pool, x, branch, x);
        work.add(12 * x.size(), x.size());
    }
}
