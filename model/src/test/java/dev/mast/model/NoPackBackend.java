package dev.mast.model;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.LinearOp;
import dev.mast.model.backend.StemOp;

/** A backend that prepares nothing and computes nothing: for building big models only to inspect their parameters. */
final class NoPackBackend implements Backend {
    private final EnginePool pool = new EnginePool(1);

    @Override public String name() { return "none"; }
    @Override public EnginePool pool() { return pool; }

    @Override
    public LinearOp linear(Tensor weight, Tensor bias) {
        int out = weight.dim(0), in = weight.dim(1);
        return new LinearOp() {
            @Override public int inFeatures() { return in; }
            @Override public int outFeatures() { return out; }
            @Override public void forward(Tensor x, Tensor y, Epilogue e) { throw new UnsupportedOperationException(); }
            @Override public void close() { }
        };
    }

    @Override
    public StemOp stem(Tensor weight, Tensor bias, int sh, int sw, int ph, int pw) {
        return new StemOp() {
            @Override public int channels() { return weight.dim(0); }
            @Override public int outputHeight(int h) { return (h + 2 * ph - weight.dim(2)) / sh + 1; }
            @Override public int outputWidth(int w) { return (w + 2 * pw - weight.dim(3)) / sw + 1; }
            @Override public void forward(Tensor image, Tensor out, Workspace ws) { throw new UnsupportedOperationException(); }
            @Override public void close() { }
        };
    }

    @Override public void matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean acc) { throw new UnsupportedOperationException(); }
    @Override public void layerNorm(Tensor x, Tensor g, Tensor b, float eps, Tensor y) { throw new UnsupportedOperationException(); }
    @Override public void softmax(Tensor x, Tensor y) { throw new UnsupportedOperationException(); }
    @Override public void depthwiseConv3x3(Tensor x, Tensor w, int sh, int sw, Tensor y) { throw new UnsupportedOperationException(); }
    @Override public void maxPool3x3(Tensor x, int sh, int sw, Tensor y) { throw new UnsupportedOperationException(); }
    @Override public void meanTokens(Tensor x, Tensor y) { throw new UnsupportedOperationException(); }
    @Override public void add(Tensor a, Tensor b, Tensor out) { throw new UnsupportedOperationException(); }
    @Override public void close() { pool.close(); }
}
