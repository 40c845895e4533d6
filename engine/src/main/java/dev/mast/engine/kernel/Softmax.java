package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

/** Softmax over the last axis, numerically stable (the row maximum is subtracted first). */
public final class Softmax {
    private Softmax() {}

    /** x, y [..., N]; y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireSame("softmax", x, y);
        ReferenceKernels.softmax(x, y);
    }
}
