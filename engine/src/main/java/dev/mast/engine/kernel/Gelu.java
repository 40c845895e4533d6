package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** GELU, exact erf form: {@code gelu(x) = x/2·(1 + erf(x/√2))}. */
public final class Gelu {
    private Gelu() {}

    /** y = gelu(x); y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireSame("gelu", x, y);
        ReferenceKernels.gelu(x, y);
    }

    /** In-place GELU on {@code n} contiguous floats at {@code byteOffset}: the epilogue of fused linear layers. */
    public static void forwardRun(MemorySegment seg, long byteOffset, int n) {
        for (int i = 0; i < n; i++) {
            long o = byteOffset + (long) i * Float.BYTES;
            seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o, ReferenceKernels.gelu(seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o)));
        }
    }
}
