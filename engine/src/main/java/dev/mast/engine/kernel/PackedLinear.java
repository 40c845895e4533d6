package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * A linear layer's weight, laid out once for fast {@code y = epilogue(x·Wᵀ + b)}.
 *
 * <p>The weight has PyTorch's layout [out, in]. The constructor copies it (and the bias) into memory owned by
 * {@code owner}, so the source tensors may be freed afterwards. Immutable after construction and safe to use
 * from several threads at once.
 */
public final class PackedLinear {
    private final Tensor weight;
    private final Tensor bias;

    /**
     * @param weight [out, in], any strides
     * @param bias   [out], or null for no bias
     * @param owner  owns the packed copy; must be shared, global or automatic (worker threads read it)
     */
    public PackedLinear(Tensor weight, Tensor bias, Arena owner) {
        if (weight.rank() != 2) throw new ShapeMismatchException("linear: weight must be [out, in], got "
                + weight.shapeString());
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new ShapeMismatchException("linear: bias " + bias.shapeString() + " does not match weight "
                    + weight.shapeString());
        }
        this.weight = Tensor.allocate(owner, weight.shape()).copyFrom(weight);
        this.bias = bias == null ? null : Tensor.allocate(owner, bias.shape()).copyFrom(bias);
    }

    public int inFeatures() {
        return weight.dim(1);
    }

    public int outFeatures() {
        return weight.dim(0);
    }

    /** The weight [out, in] (a copy owned by this layer: do not write to it). */
    public Tensor weight() {
        return weight;
    }

    /** The bias [out], or null. */
    public Tensor bias() {
        return bias;
    }

    /**
     * y = epilogue(x·Wᵀ + b) for x [..., in] and y [..., out] with the same leading dimensions (flattened into
     * rows).
     */
    public void forward(EnginePool pool, Tensor x, Tensor y, Epilogue epilogue) {
        if (x.dim(-1) != inFeatures() || y.dim(-1) != outFeatures() || x.size() / inFeatures() != y.size()
                / Math.max(1, outFeatures())) {
            throw new ShapeMismatchException("linear " + inFeatures() + "->" + outFeatures() + ": input "
                    + x.shapeString() + ", output " + y.shapeString());
        }
        int rows = (int) (x.size() / inFeatures());
        ReferenceKernels.linear(x.reshape(rows, inFeatures()), weight, bias, y.reshape(rows, outFeatures()),
                epilogue);
    }
}
