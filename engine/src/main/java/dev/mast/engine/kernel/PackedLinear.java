package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A linear layer's weight, laid out once for fast {@code y = epilogue(x·Wᵀ + b)}.
 *
 * <p>The weight has PyTorch's layout [out, in]. The constructor copies it (and the bias) into memory owned by
 * {@code owner}, so the source tensors may be freed afterwards, and also packs Wᵀ into the micro-kernel's B panels
 * (panels of {@link GemmKernel#NR} output features over the whole input depth); a forward pass reads rows of x in
 * place (or packs them when x has no unit column stride).
 * The epilogue (bias, GELU or accumulate) is applied to each output tile while it is hot in cache.
 *
 * <p>Immutable after construction and safe to use from several threads at once; a forward pass allocates no
 * off-heap memory (packing buffers are per thread, see {@link GemmScratch}).
 */
public final class PackedLinear {
    private final Tensor weight;
    private final Tensor bias;
    private final MemorySegment packed;

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
        int out = weight.dim(0), in = weight.dim(1);
        int panels = (out + GemmKernel.NR - 1) / GemmKernel.NR;
        this.packed = owner.allocate(Math.max(1L, (long) panels * GemmKernel.NR * in) * Float.BYTES,
                Tensor.ALIGNMENT);
        // B = Wᵀ: B[p][j] = W[j][p].
        GemmKernel.packB(new GemmKernel.Strided(this.weight.storage(), this.weight.offset(), this.weight.stride(1),
                this.weight.stride(0)), 0, in, 0, out, packed, 0);
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
     * rows). Any strides; y must not overlap x.
     */
    public void forward(EnginePool pool, Tensor x, Tensor y, Epilogue epilogue) {
        if (x.dim(-1) != inFeatures() || y.dim(-1) != outFeatures() || rows(x) != rows(y)) {
            throw new ShapeMismatchException("linear " + inFeatures() + "->" + outFeatures() + ": input "
                    + x.shapeString() + ", output " + y.shapeString());
        }
        if (y.size() == 0) return;
        GemmTask.linear(x, y, packed, bias == null ? null : bias.storage(), epilogue, pool.threads()).run(pool);
    }

    /** Product of all dimensions but the last. */
    private static long rows(Tensor t) {
        long r = 1;
        for (int d = 0; d < t.rank() - 1; d++) r *= t.dim(d);
        return r;
    }
}
