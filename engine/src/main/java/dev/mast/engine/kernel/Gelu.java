package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

/** GELU, exact erf form: {@code gelu(x) = x/2·(1 + erf(x/√2))}. */
public final class Gelu {
    private Gelu() {}

    /** y = gelu(x); y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireSame("gelu", x, y);
        ReferenceKernels.gelu(x, y);
    }
}
