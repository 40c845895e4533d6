package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;
import dev.mast.nativelib.NativeUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/**
 * A oneDNN CPU engine and stream with a fixed thread count, the owner of everything built on them: cached
 * primitives, packed weights of the layers made by {@link #linear}, {@link #depthwiseConv3x3} and
 * {@link #convStem}, and the scratch memory primitives run in. {@link #close()} frees it all.
 *
 * <pre>{@code
 * try (DnnlEngine dnnl = DnnlEngine.open(pool.threads())) {
 *     DnnlLinear fc1 = dnnl.linear(w1, b1);        // weights reordered once, to oneDNN's preferred layout
 *     fc1.forward(x, h, Epilogue.GELU);
 *     dnnl.layerNorm(h, gamma, beta, 1e-6f, h);
 * }
 * }</pre>
 *
 * <p><b>Arguments</b> are {@link Tensor} views over native memory (not heap arrays), used in place: oneDNN memory
 * objects point at the views' bytes. Views whose strides oneDNN has no fast code for are copied to dense scratch
 * buffers and back (see each operation); the result is the same either way.
 *
 * <p><b>Threads.</b> Every primitive is created and run with this engine's thread count (set on the calling thread
 * through OpenMP, see {@link DnnlLibrary}), so oneDNN never uses more threads than the engine pool it sits beside.
 * Calls on one engine are serialised by a lock: the engine is safe to share, and concurrent callers who want to
 * run in parallel use one engine each.
 *
 * <p><b>Caching.</b> Each operation compiles a plan per distinct set of argument shapes and strides (a oneDNN
 * primitive descriptor, primitive and memory objects) on first use and reuses it; running a cached plan allocates
 * no native memory. Scratch memory grows to the largest plan's need and is then reused.
 */
public final class DnnlEngine implements AutoCloseable {
    private final DnnlLibrary library;
    private final int threads;
    private final MemorySegment engine;
    private final MemorySegment stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<DnnlLayer> layers = new ArrayList<>();
    private final PlanCache matmulPlans = new PlanCache("matmul");
    private final PlanCache layerNormPlans = new PlanCache("layer_norm");
    private final PlanCache softmaxPlans = new PlanCache("softmax");
    private final PlanCache depthwisePlans = new PlanCache("depthwise_conv3x3");
    private final Key.Builder keys = new Key.Builder();
    private Arena scratchArena = Arena.ofShared();
    private MemorySegment scratch = MemorySegment.NULL;
    private boolean closed;

    private DnnlEngine(DnnlLibrary library, int threads) {
        this.library = library;
        this.threads = threads;
        library.setThreads(threads);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            DnnlException.check(dnnl_engine_create(out, dnnl_cpu(), 0), "dnnl_engine_create", "the CPU engine");
            engine = out.get(ValueLayout.ADDRESS, 0);
            int status = dnnl_stream_create(out, engine, dnnl_stream_default_flags());
            if (status != dnnl_success()) dnnl_engine_destroy(engine);
            DnnlException.check(status, "dnnl_stream_create", "the CPU stream");
            stream = out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /**
     * Opens an engine that runs oneDNN on {@code threads} threads (use the engine pool's count).
     *
     * @throws NativeUnavailableException when oneDNN cannot be loaded (see {@link DnnlLibrary#load()})
     */
    public static DnnlEngine open(int threads) throws NativeUnavailableException {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        return new DnnlEngine(DnnlLibrary.load(), threads);
    }

    /** The thread count oneDNN runs with. */
    public int threads() {
        return threads;
    }

    /** The loaded library. */
    public DnnlLibrary library() {
        return library;
    }

    // ---- layers with packed weights ------------------------------------------------------------------------

    /**
     * A linear layer {@code y = epilogue(x·Wᵀ + b)} with its weight reordered once to the layout oneDNN's matmul
     * picks for {@code rows} = 256 (which serves all row counts).
     *
     * @param weight [out, in], any strides
     * @param bias   [out], or null
     */
    public DnnlLinear linear(Tensor weight, Tensor bias) {
        return linear(weight, bias, DnnlLinear.DEFAULT_ROWS_HINT);
    }

    /** As {@link #linear(Tensor, Tensor)}, choosing the weight layout for {@code rowsHint} rows per call. */
    public DnnlLinear linear(Tensor weight, Tensor bias, int rowsHint) {
        enter();
        try {
            return adopt(new DnnlLinear(this, weight, bias, rowsHint));
        } finally {
            exit();
        }
    }

    /**
     * The layer {@code source}, made on another engine, on this one: the same function and the same packed
     * weights (shared, not copied; freed when the last layer using them closes), with this engine's thread count
     * and plans. How one model serves concurrent callers on several engines without a copy of its weights each.
     */
    public DnnlLinear linear(DnnlLinear source) {
        enter();
        try {
            return adopt(new DnnlLinear(this, source));
        } finally {
            exit();
        }
    }

    /** A depthwise 3×3 convolution (padding 1, no bias, channels last) with weight [C, 1, 3, 3]. */
    public DnnlDepthwiseConv3x3 depthwiseConv3x3(Tensor weight) {
        enter();
        try {
            return adopt(new DnnlDepthwiseConv3x3(this, weight));
        } finally {
            exit();
        }
    }

    /**
     * The patch stem: a one-channel image to C channels, channels last.
     *
     * @param weight [C, 1, kh, kw]
     * @param bias   [C], or null
     */
    public DnnlConvStem convStem(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW) {
        enter();
        try {
            return adopt(new DnnlConvStem(this, weight, bias, strideH, strideW, padH, padW));
        } finally {
            exit();
        }
    }

    /**
     * The stem {@code source}, made on another engine, on this one, sharing its packed weights (as
     * {@link #linear(DnnlLinear)}).
     */
    public DnnlConvStem convStem(DnnlConvStem source) {
        enter();
        try {
            return adopt(new DnnlConvStem(this, source));
        } finally {
            exit();
        }
    }

    private <T extends DnnlLayer> T adopt(T layer) {
        layers.add(layer);
        return layer;
    }

    // ---- stateless operations ------------------------------------------------------------------------------

    /**
     * {@code c = alpha·a·b}, or {@code c += alpha·a·b} when {@code accumulate}: batched matmul with
     * {@code Sgemm.matmul}'s conventions (a [..., m, k], b [..., k, n], c [..., m, n], equal batch dimensions, at
     * most 12 dimensions). Any strides: Q·Kᵀ is {@code matmul(q, k.transpose(-2, -1), scores, scale, false)}.
     * oneDNN's matmul reads a and b in place when, in the last two dimensions, one of each has unit stride
     * (row-major or transposed), with any batch strides, and writes c in place when c is row-major in its last
     * two dimensions; other views are copied.
     */
    public void matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate) {
        MatmulOp.check(a, b, c);
        enter();
        try {
            MatmulOp.run(this, matmulPlans, a, b, c, alpha, accumulate);
        } finally {
            exit();
        }
    }

    /**
     * LayerNorm over the last axis, {@code LayerNorm.forward}'s conventions: x, y [..., C] (y may be x), gamma and
     * beta [C]. In place when x and y are dense; other views are copied (oneDNN 3.13 computes wrong results on
     * rows strided wider than C, so those are copied too).
     */
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        LayerNormOp.check(x, gamma, beta, y);
        enter();
        try {
            LayerNormOp.run(this, layerNormPlans, x, gamma, beta, eps, y);
        } finally {
            exit();
        }
    }

    /** Softmax over the last axis, {@code Softmax.forward}'s conventions; in place for dense x and y (y may be x). */
    public void softmax(Tensor x, Tensor y) {
        SoftmaxOp.check(x, y);
        enter();
        try {
            SoftmaxOp.run(this, softmaxPlans, x, y);
        } finally {
            exit();
        }
    }

    /**
     * Depthwise 3×3 convolution, padding 1, no bias, with the weight given per call ({@code DepthwiseConv3x3}'s
     * contract): x [..., H, W, C], weight [C, 1, 3, 3] (any strides), y [..., Ho, Wo, C] with
     * {@code Ho = Pool3x3.outputSize(H, strideH)}. The weight is reordered into the convolution's layout at every
     * call (for fixed weights, {@link #depthwiseConv3x3(Tensor)} packs them once). Dense channels-last x and y run
     * in place; other views (one head's channels out of [B, H, W, heads·C]) are copied to dense buffers and back.
     */
    public void depthwiseConv3x3(Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        DepthwiseConvOp.checkWeight(weight);
        DepthwiseConvOp.check(x, weight.dim(0), strideH, strideW, y);
        enter();
        try {
            DepthwiseConvOp.run(this, depthwisePlans, x, weight, strideH, strideW, y);
        } finally {
            exit();
        }
    }

    /**
     * {@code c = alpha·a·b (+ c)} for matrices through {@code dnnl_sgemm} (oneDNN's BLAS-style GEMM, no
     * primitive): a [m, k], b [k, n], c [m, n], each row-major or (a, b) transposed, i.e. unit stride in one of
     * the two dimensions.
     */
    public void sgemm(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate) {
        MatmulOp.check(a, b, c);
        if (c.rank() != 2) throw new IllegalArgumentException("sgemm: matrices only, got c " + c.shapeString());
        char ta = MatmulOp.transposeFlag("sgemm", "a", a);
        char tb = MatmulOp.transposeFlag("sgemm", "b", b);
        if (c.stride(1) != 1 && c.dim(1) > 1) {
            throw new IllegalArgumentException("sgemm: c " + c + " must be row-major (unit column stride)");
        }
        MemorySegment pa = buffer(a, "sgemm a"), pb = buffer(b, "sgemm b"), pc = buffer(c, "sgemm c");
        enter();
        try {
            DnnlException.check(dnnl_sgemm((byte) ta, (byte) tb, c.dim(0), c.dim(1), a.dim(1), alpha,
                    pa, MatmulOp.leadingDimension(a, ta), pb, MatmulOp.leadingDimension(b, tb),
                    accumulate ? 1f : 0f, pc, MatmulOp.leadingDimension(c, 'N')),
                    "dnnl_sgemm", a.shapeString() + " x " + b.shapeString());
        } finally {
            exit();
        }
    }

    // ---- introspection -------------------------------------------------------------------------------------

    /** Number of compiled plans held (each a primitive or a few), over all operations and layers. */
    public int cachedPlans() {
        lock.lock();
        try {
            int n = matmulPlans.size() + layerNormPlans.size() + softmaxPlans.size() + depthwisePlans.size();
            for (DnnlLayer l : layers) n += l.cachedPlans();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of scratch memory held (primitive scratchpads and staging copies). */
    public long scratchBytes() {
        lock.lock();
        try {
            return scratch.byteSize();
        } finally {
            lock.unlock();
        }
    }

    /** One line per cached plan: operation and the oneDNN implementation that runs it. */
    public List<String> describePlans() {
        lock.lock();
        try {
            List<String> out = new ArrayList<>();
            matmulPlans.describeTo(out);
            layerNormPlans.describeTo(out);
            softmaxPlans.describeTo(out);
            depthwisePlans.describeTo(out);
            for (DnnlLayer l : layers) l.describeTo(out);
            return out;
        } finally {
            lock.unlock();
        }
    }

    // ---- internals shared by the operations ----------------------------------------------------------------

    /** Drops a layer that was closed on its own. Its close() holds the lock. */
    void forget(DnnlLayer layer) {
        layers.remove(layer);
    }

    /** Takes the lock and sets the calling thread's OpenMP thread count; pair with {@link #exit()}. */
    void enter() {
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new IllegalStateException("the oneDNN engine is closed");
        }
        library.setThreads(threads);
    }

    void exit() {
        lock.unlock();
    }

    /** Takes the lock even when the engine is closed (layers closing themselves); pair with {@link #exit()}. */
    void lockForClose() {
        lock.lock();
    }

    MemorySegment handle() {
        return engine;
    }

    /** The engine's key builder, reset: for looking plans up. Under the lock. */
    Key.Builder key() {
        return keys.reset();
    }

    /** Runs a plan on the buffers of its tensor arguments. Under the lock. */
    void run(Plan plan, MemorySegment[] tensors) {
        plan.run(stream, tensors, scratch(plan.scratchBytes));
    }

    /** Runs a single primitive once (packing weights). Under the lock. */
    void execute(Primitive p, MemorySegment[] buffers) {
        p.execute(stream, buffers, scratch(p.scratchpadBytes));
    }

    /** At least {@code bytes} of scratch memory, grown (never shrunk) as plans need. Under the lock. */
    private MemorySegment scratch(long bytes) {
        if (scratch.byteSize() < bytes) {
            // Nothing runs while the lock is held, so the old block is free.
            scratchArena.close();
            scratchArena = Arena.ofShared();
            scratch = scratchArena.allocate(bytes, Tensor.ALIGNMENT);
        }
        return scratch;
    }

    /** The address of a view's first element, for oneDNN; the view must be over native memory. */
    static MemorySegment buffer(Tensor t, String what) {
        MemorySegment s = t.storage();
        if (!s.isNative()) {
            throw new IllegalArgumentException(what + ": oneDNN needs tensors in native memory, got a heap tensor "
                    + t.shapeString());
        }
        return s.asSlice(t.offset() * Float.BYTES);
    }

    /** Frees every plan, layer and buffer; later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            for (DnnlLayer l : List.copyOf(layers)) l.close();
            layers.clear();
            matmulPlans.close();
            layerNormPlans.close();
            softmaxPlans.close();
            depthwisePlans.close();
            scratchArena.close();
            scratch = MemorySegment.NULL;
            dnnl_stream_destroy(stream);
            dnnl_engine_destroy(engine);
        } finally {
            lock.unlock();
        }
    }
}
