package dev.mast.model.backend;

import dev.mast.engine.kernel.Conv2dStem;
import dev.mast.engine.kernel.DepthwiseConv3x3;
import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.LayerNorm;
import dev.mast.engine.kernel.MaxPool3x3;
import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.kernel.PackedLinear;
import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.kernel.Softmax;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;

import java.lang.foreign.Arena;

/** The {@link Backend} on the engine's own Java (Vector API) kernels, run on an {@link EnginePool}. */
public final class JavaBackend implements Backend {
    private final EnginePool pool;
    private final boolean ownsPool;

    /** A backend with its own pool of {@code threads} threads (closed with the backend). */
    public JavaBackend(int threads) {
        this.pool = new EnginePool(threads);
        this.ownsPool = true;
    }

    /** A backend on a pool owned by the caller. */
    public JavaBackend(EnginePool pool) {
        this.pool = pool;
        this.ownsPool = false;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public EnginePool pool() {
        return pool;
    }

    @Override
    public LinearOp linear(Tensor weight, Tensor bias) {
        Arena arena = Arena.ofShared();
        PackedLinear packed;
        try {
            packed = new PackedLinear(weight, bias, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        return new LinearOp() {
            @Override
            public int inFeatures() {
                return packed.inFeatures();
            }

            @Override
            public int outFeatures() {
                return packed.outFeatures();
            }

            @Override
            public void forward(Tensor x, Tensor y, Epilogue epilogue) {
                packed.forward(pool, x, y, epilogue);
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    @Override
    public StemOp stem(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW) {
        Arena arena = Arena.ofShared();
        Conv2dStem conv;
        try {
            conv = new Conv2dStem(weight, bias, strideH, strideW, padH, padW, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        return new StemOp() {
            @Override
            public int channels() {
                return conv.channels();
            }

            @Override
            public int outputHeight(int h) {
                return conv.outputHeight(h);
            }

            @Override
            public int outputWidth(int w) {
                return conv.outputWidth(w);
            }

            @Override
            public void forward(Tensor image, Tensor out, Workspace ws) {
                conv.forward(pool, image, out, ws);
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate) {
        Sgemm.matmul(pool, a, b, c, alpha, accumulate);
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        LayerNorm.forward(pool, x, gamma, beta, eps, y);
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        Softmax.forward(pool, x, y);
    }

    @Override
    public void depthwiseConv3x3(Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        DepthwiseConv3x3.forward(pool, x, weight, strideH, strideW, y);
    }

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

    @Override
    public void close() {
        if (ownsPool) pool.close();
    }
}
