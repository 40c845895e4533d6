package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Elementwise {@code out = a + b}, the residual connection; {@code out} may be {@code a} or {@code b}.
 *
 * <p>Backward: the gradient of a sum flows unchanged to both terms, so there is no backward kernel; where two
 * gradients meet (the residual stream), {@code forward(pool, grad, other, grad)} adds one into the other in place.
 */
public final class ResidualAdd {
    private ResidualAdd() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;

    public static void forward(EnginePool pool, Tensor a, Tensor b, Tensor out) {
        Shapes.requireSame("add", a, b);
        Shapes.requireSame("add", a, out);
        Rows.elementwise(pool, a, b, out, ResidualAdd::addSpan);
    }

    private static void addSpan(MemorySegment as, long aOff, MemorySegment bs, long bOff, MemorySegment outs,
                                long outOff, int n) {
        int i = 0;
        for (; i <= n - LANES; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, as, aOff + o, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, bs, bOff + o, ORDER);
            a.add(b).intoMemorySegment(outs, outOff + o, ORDER);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            long o = (long) i * Float.BYTES;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, as, aOff + o, ORDER, m);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, bs, bOff + o, ORDER, m);
            a.add(b).intoMemorySegment(outs, outOff + o, ORDER, m);
        }
    }
}
