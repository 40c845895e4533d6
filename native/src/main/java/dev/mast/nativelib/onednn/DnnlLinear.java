package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/**
 * A linear layer on oneDNN's matmul: {@code y = epilogue(x·Wᵀ + b)}, the same contract as {@code PackedLinear}.
 *
 * <p>The weight [out, in] is reordered once, at construction, into the layout oneDNN's matmul picks
 * ({@code format_tag_any}) for a representative row count; that layout serves every row count (if oneDNN ever
 * asks for another, it is reordered once more from the first). The bias is copied. GELU (exact, erf) and
 * accumulation ({@code y += ...}) run as post-ops inside the matmul, so each call is one pass over y.
 *
 * <p>A layer can be re-created on another engine ({@link DnnlEngine#linear(DnnlLinear)}) without packing again:
 * the copies share one set of packed weights, freed when the last of them closes.
 *
 * <p>x [..., in] and y [..., out] are used in place when their leading dimensions merge into evenly strided rows
 * with unit inner stride (any contiguous tensor, or rows sliced out of a wider one); other views are copied. Create
 * with {@link DnnlEngine#linear}; freed with the engine or by {@link #close()}.
 */
public final class DnnlLinear extends DnnlLayer {
    static final int DEFAULT_ROWS_HINT = 256;

    private final int in, out;
    private final PackedWeights weights;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bias;

    /** Under the engine's lock. */
    DnnlLinear(DnnlEngine engine, Tensor weight, Tensor bias, int rowsHint) {
        super(engine, "linear");
        if (weight.rank() != 2) {
            throw new ShapeMismatchException("linear: weight must be [out, in], got " + weight.shapeString());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new ShapeMismatchException("linear: bias " + bias.shapeString() + " does not match weight "
                    + weight.shapeString());
        }
        if (rowsHint < 1) throw new IllegalArgumentException("linear: rows hint must be at least 1, got " + rowsHint);
        this.out = weight.dim(0);
        this.in = weight.dim(1);
        String what = "linear " + in + "->" + out;
        try {
            this.bias = bias == null ? null : copy(bias, arena);
            try (Arena tmp = Arena.ofConfined()) {
                // oneDNN's weights are [in, out]: Wᵀ, a transposed view of the caller's tensor.
                Tensor w = weight.storage().isNative() ? weight : Tensor.allocate(tmp, weight.shape()).copyFrom(weight);
                View plain = View.of(w.transpose(0, 1));
                try (MemoryDesc plainDesc = MemoryDesc.of(plain)) {
                    Primitive chooser = matmul(View.dense(new int[] {rowsHint, in}),
                            View.dense(new int[] {rowsHint, out}), null, Epilogue.NONE);
                    if (chooser == null) throw new DnnlException("oneDNN has no matmul for " + what, dnnl_unimplemented());
                    try (chooser) {
                        this.weights = new PackedWeights(engine, plainDesc.handle, DnnlEngine.buffer(w, what),
                                chooser.argDesc(DNNL_ARG_WEIGHTS()), what);
                    }
                }
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Under the engine's lock: the layer {@code source} (of another engine) on this one, sharing its weights. */
    DnnlLinear(DnnlEngine engine, DnnlLinear source) {
        super(engine, "linear");
        this.out = source.out;
        this.in = source.in;
        this.weights = source.weights.share();
        try {
            this.bias = source.bias == null ? null : arena.allocate(source.bias.byteSize(), Tensor.ALIGNMENT)
                    .copyFrom(source.bias);
        } catch (RuntimeException e) {
            weights.close();
            arena.close();
            throw e;
        }
    }

    private static MemorySegment copy(Tensor t, Arena arena) {
        Tensor c = Tensor.allocate(arena, t.shape()).copyFrom(t);
        return c.storage();
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /**
     * y = epilogue(x·Wᵀ + b) for x [..., in] and y [..., out] with the same leading dimensions (flattened into
     * rows); y must not overlap x.
     */
    public void forward(Tensor x, Tensor y, Epilogue epilogue) {
        if (x.rank() < 1 || y.rank() < 1 || x.dim(-1) != in || y.dim(-1) != out
                || x.size() / Math.max(1, in) != y.size() / Math.max(1, out)) {
            throw new ShapeMismatchException("linear " + in + "->" + out + ": input " + x.shapeString()
                    + ", output " + y.shapeString());
        }
        if (y.size() == 0) return;
        engine.enter();
        try {
            checkOpen("linear " + in + "->" + out);
            Key.Builder key = engine.key().add(epilogue.ordinal()).add(x).add(y);
            Plan plan = plans.get(key, () -> Plan.build(engine, "linear " + x + " -> " + y, new Tensor[] {x, y},
                    new Plan.Role[] {Plan.Role.IN, epilogue == Epilogue.ACCUMULATE ? Plan.Role.IN_OUT : Plan.Role.OUT},
                    views -> compile(views, epilogue)));
            engine.run(plan, new MemorySegment[] {DnnlEngine.buffer(x, "linear x"), DnnlEngine.buffer(y, "linear y")});
        } finally {
            engine.exit();
        }
    }

    private Plan.Main compile(View[] v, Epilogue epilogue) {
        View x = v[0].collapseLeading(1), y = v[1].collapseLeading(1);
        if (x == null || y == null) return null;
        Primitive p = matmul(x, y, weights.firstDesc(), epilogue);
        if (p != null && p.isReference()) {
            p.close();
            p = null;
        }
        if (p == null) p = matmul(x, y, null, epilogue);
        return p == null ? null : main(p, weights, bias, "linear " + in + "->" + out);
    }

    /** A matmul primitive for rows x and y; weights in {@code weightsDesc}, or in the layout oneDNN picks if null. */
    private Primitive matmul(View x, View y, MemorySegment weightsDesc, Epilogue epilogue) {
        try (MemoryDesc src = MemoryDesc.of(x); MemoryDesc dst = MemoryDesc.of(y);
             MemoryDesc any = weightsDesc == null ? MemoryDesc.any(in, out) : null;
             MemoryDesc biasDesc = bias == null ? null : MemoryDesc.of(new int[] {1, out}, new long[] {out, 1});
             Attributes attr = Attributes.create(epilogue == Epilogue.GELU, 1f, epilogue == Epilogue.ACCUMULATE)) {
            MemorySegment wd = weightsDesc != null ? weightsDesc : any.handle;
            MemorySegment bd = biasDesc == null ? MemorySegment.NULL : biasDesc.handle;
            return Primitive.create(engine.handle(), "linear", o -> dnnl_matmul_primitive_desc_create(o,
                    engine.handle(), src.handle, wd, bd, dst.handle, attr.handle),
                    Primitive.layerArguments(bias != null));
        }
    }

    /** Frees this layer's share of the packed weights and its bias. */
    @Override
    void free() {
        weights.close();
        arena.close();
    }
}
