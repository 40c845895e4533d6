package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

/** Elementwise {@code out = a + b}, the residual connection; {@code out} may be {@code a} or {@code b}. */
public final class ResidualAdd {
    private ResidualAdd() {}

    public static void forward(EnginePool pool, Tensor a, Tensor b, Tensor out) {
        Shapes.requireSame("add", a, b);
        Shapes.requireSame("add", a, out);
        ReferenceKernels.add(a, b, out);
    }
}
