package dev.mast.model.backend;

import dev.mast.engine.kernel.DepthwiseConv3x3;
import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.MaxPool3x3;
import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.nativelib.NativeUnavailableException;
import dev.mast.nativelib.onednn.DnnlConvStem;
import dev.mast.nativelib.onednn.DnnlEngine;
import dev.mast.nativelib.onednn.DnnlLinear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link Backend} on oneDNN ({@link DnnlEngine}, bound through FFM): linear layers (weights reordered once, at
 * model load, into oneDNN's layout; bias, GELU and accumulation as post-ops), batched matmul, layer norm, softmax,
 * depthwise convolution (stride 1; see {@link #depthwiseConv3x3}) and the patch stem. Max-pool, the token mean,
 * residual adds and strided pooling, which oneDNN has no better code for on the model's views, stay on the Java
 * kernels, as does the light Java code layers run on {@link #pool()}.
 *
 * <p><b>Threads.</b> oneDNN runs on OpenMP threads, the Java kernels on the {@link EnginePool}; both have the
 * backend's thread count and take turns (an operator runs on one or the other), so together they never use more
 * threads than asked for.
 *
 * <p><b>Concurrent callers.</b> A oneDNN engine runs one operator at a time, so the backend keeps lanes: the
 * primary engine with all threads, and single-thread engines for callers that find it busy, made on demand and
 * kept (as many as the most operators ever in flight at once). Each operator takes a free lane for its duration.
 * This mirrors {@link EnginePool}, where a caller that finds the workers busy runs on its own thread. Lanes share
 * the packed weights of every prepared layer, so a concurrent caller costs plans and scratch, not another copy of
 * the model. Operators too small to gain from more threads (below {@link #PARALLEL_WORK}) also take a
 * single-thread lane, so a forward pass at small shapes wakes OpenMP's workers only for the work that pays for it.
 * Results on a single-thread lane could differ from the primary's in the last bits of float rounding (oneDNN may
 * split a reduction by thread count); at MAST's shapes they were identical in our tests.
 *
 * <p><b>Memory.</b> Tensors must be in native memory ({@link dev.mast.engine.tensor.TensorArena},
 * {@link Workspace}); heap tensors are refused with an {@link IllegalArgumentException}. Each lane caches one
 * compiled plan per distinct operator shape and a scratch block sized for the largest, so a long-running service
 * at fixed shapes allocates no native memory per call ({@link #cachedPlans()}, {@link #scratchBytes()}).
 */
public final class OnednnBackend implements Backend {
    /** One engine and its index among the lanes (the primary is 0). */
    private record Lane(int index, DnnlEngine engine) {}

    /**
     * Operators below this many multiply-adds (or equivalent element work) run on one thread. A cached oneDNN
     * call costs about 1.3 µs on one thread (measured here); on more, each call adds OpenMP's fork and join, and
     * waking the workers when they have gone to sleep, which work this small cannot win back.
     */
    static final long PARALLEL_WORK = 1 << 16;

    private final EnginePool pool;
    private final Lane primary;
    private final AtomicBoolean primaryBusy = new AtomicBoolean();
    private final ConcurrentLinkedDeque<Lane> idle = new ConcurrentLinkedDeque<>();
    private final List<Lane> lanes = new ArrayList<>();

    /**
     * A backend on {@code threads} threads.
     *
     * @throws NativeUnavailableException when oneDNN cannot be loaded (one-line reason)
     */
    public OnednnBackend(int threads) throws NativeUnavailableException {
        this.primary = new Lane(0, DnnlEngine.open(threads));
        this.pool = new EnginePool(threads);
        lanes.add(primary);
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public EnginePool pool() {
        return pool;
    }

    /** The oneDNN version in use, e.g. "3.13.0". */
    public String version() {
        return primary.engine.library().version();
    }

    // ---- lanes ---------------------------------------------------------------------------------------------

    /**
     * A free lane for one operator of about {@code work} multiply-adds: an idle single-thread lane (or a new one)
     * for small work, which the primary's threads would only slow down (waking OpenMP's workers costs more than
     * they save), else the primary if it is free, else a single-thread lane.
     */
    private Lane acquire(long work) {
        if ((work >= PARALLEL_WORK || primary.engine.threads() == 1) && primaryBusy.compareAndSet(false, true)) {
            return primary;
        }
        Lane lane = idle.pollFirst();
        return lane != null ? lane : newLane();
    }

    private void release(Lane lane) {
        if (lane == primary) {
            primaryBusy.set(false);
        } else {
            idle.push(lane);
        }
    }

    private synchronized Lane newLane() {
        try {
            Lane lane = new Lane(lanes.size(), DnnlEngine.open(1));
            lanes.add(lane);
            return lane;
        } catch (NativeUnavailableException e) {
            throw new IllegalStateException(e.getMessage(), e); // the library is already loaded: cannot happen
        }
    }

    /** Lanes made so far: the primary, and single-thread lanes for small operators and concurrent callers. */
    public synchronized int lanes() {
        return lanes.size();
    }

    /** Compiled plans held over all lanes (stable once every shape a service sees has run). */
    public synchronized int cachedPlans() {
        int n = 0;
        for (Lane l : lanes) n += l.engine.cachedPlans();
        return n;
    }

    /** Scratch bytes held over all lanes. */
    public synchronized long scratchBytes() {
        long n = 0;
        for (Lane l : lanes) n += l.engine.scratchBytes();
        return n;
    }

    /** What runs for each cached plan, per lane (e.g. "lane 0: linear: brg_matmul:avx512_core"). */
    public synchronized List<String> describePlans() {
        List<String> out = new ArrayList<>();
        for (Lane l : lanes) {
            for (String p : l.engine.describePlans()) out.add("lane " + l.index + ": " + p);
        }
        return out;
    }

    // ---- prepared layers -----------------------------------------------------------------------------------

    /**
     * A layer prepared on the primary engine and re-created, sharing its packed weights, on each other lane the
     * first time it runs there.
     */
    private static final class PerLane<L> {
        private final L first;
        private final Function<Lane, L> copy;
        private volatile Object[] byLane;

        PerLane(L first, Function<Lane, L> copy) {
            this.first = first;
            this.copy = copy;
            this.byLane = new Object[] {first};
        }

        @SuppressWarnings("unchecked")
        L on(Lane lane) {
            Object[] layers = byLane;
            if (lane.index < layers.length && layers[lane.index] != null) return (L) layers[lane.index];
            synchronized (this) {
                layers = byLane;
                if (lane.index >= layers.length) layers = Arrays.copyOf(layers, lane.index + 1);
                if (layers[lane.index] == null) layers[lane.index] = copy.apply(lane);
                byLane = layers;
                return (L) layers[lane.index];
            }
        }

        /** Closes the copies, then the original (the last user frees the shared weights). */
        @SuppressWarnings("unchecked")
        synchronized void close(Consumer<L> closer) {
            Object[] layers = byLane;
            for (int i = layers.length - 1; i >= 0; i--) {
                if (layers[i] != null) closer.accept((L) layers[i]);
            }
        }
    }

    @Override
    public LinearOp linear(Tensor weight, Tensor bias) {
        DnnlLinear first = primary.engine.linear(weight, bias);
        PerLane<DnnlLinear> layers = new PerLane<>(first, lane -> lane.engine.linear(first));
        return new LinearOp() {
            @Override
            public int inFeatures() {
                return first.inFeatures();
            }

            @Override
            public int outFeatures() {
                return first.outFeatures();
            }

            @Override
            public void forward(Tensor x, Tensor y, Epilogue epilogue) {
                Lane lane = acquire(y.size() * first.inFeatures());
                try {
                    layers.on(lane).forward(x, y, epilogue);
                } finally {
                    release(lane);
                }
            }

            @Override
            public void close() {
                layers.close(DnnlLinear::close);
            }
        };
    }

    @Override
    public StemOp stem(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW) {
        DnnlConvStem first = primary.engine.convStem(weight, bias, strideH, strideW, padH, padW);
        long taps = (long) weight.dim(2) * weight.dim(3);
        PerLane<DnnlConvStem> layers = new PerLane<>(first, lane -> lane.engine.convStem(first));
        return new StemOp() {
            @Override
            public int channels() {
                return first.channels();
            }

            @Override
            public int outputHeight(int h) {
                return first.outputHeight(h);
            }

            @Override
            public int outputWidth(int w) {
                return first.outputWidth(w);
            }

            @Override
            public void forward(Tensor image, Tensor out, Workspace ws) {
                Lane lane = acquire(out.size() * taps);
                try {
                    layers.on(lane).forward(image, out);
                } finally {
                    release(lane);
                }
            }

            @Override
            public void close() {
                layers.close(DnnlConvStem::close);
            }
        };
    }

    // ---- stateless operators -------------------------------------------------------------------------------

    @Override
    public void matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate) {
        Lane lane = acquire(c.size() * a.dim(-1));
        try {
            lane.engine.matmul(a, b, c, alpha, accumulate);
        } finally {
            release(lane);
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        Lane lane = acquire(4 * x.size());
        try {
            lane.engine.layerNorm(x, gamma, beta, eps, y);
        } finally {
            release(lane);
        }
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        Lane lane = acquire(8 * x.size());
        try {
            lane.engine.softmax(x, y);
        } finally {
            release(lane);
        }
    }

    /**
     * On oneDNN when its convolution can read x in place (dense views) or the pooling has stride 1; otherwise on
     * the Java kernel, which reads strided views directly: oneDNN would first copy the whole input (one of the
     * three parts of the fused qkv) to a dense buffer, only to read a quarter or less of it. Measured on one
     * thread at MAST-tiny shapes (head dim 96, per-head views): stride 1 on a 32×256 grid 249 µs on oneDNN
     * against 335 µs in Java, 16×128 with two heads 137 against 180; stride 2 on 32×256 with two heads 448
     * against 214, 16×128 with four heads 167 against 125; stride 4 on 12×101 18 against 8.
     */
    @Override
    public void depthwiseConv3x3(Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        if ((strideH != 1 || strideW != 1) && !(x.isContiguous() && y.isContiguous())) {
            DepthwiseConv3x3.forward(pool, x, weight, strideH, strideW, y);
            return;
        }
        Lane lane = acquire(9 * y.size());
        try {
            lane.engine.depthwiseConv3x3(x, weight, strideH, strideW, y);
        } finally {
            release(lane);
        }
    }

    // ---- on the Java kernels -------------------------------------------------------------------------------

    @Override
    public void maxPool3x3(Tensor x, int strideH, int strideW, Tensor y) {
        MaxPool3x3.forward(pool, x, strideH, strideW, y);
    }

    @Override
    public void meanTokens(Tensor x, Tensor y) {
        MeanTokens.forward(pool, x, y);
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        ResidualAdd.forward(pool, a, b, out);
    }

    /** Frees every lane's engine (with whatever layers are still open) and the thread pool. */
    @Override
    public synchronized void close() {
        for (Lane l : lanes) l.engine.close();
        pool.close();
    }
}
