package dev.mast.model.layer;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

import java.util.List;

/** The transformer MLP {@code mlp.fc1} → exact GELU → {@code mlp.fc2}, added onto a residual stream. */
public final class Mlp implements Layer {
    private final Linear fc1;
    private final Linear fc2;

    public Mlp(String prefix, int in, int hidden, int out, ParameterSource src, Backend backend) {
        this.fc1 = new Linear(prefix + "fc1", in, hidden, true, src, backend);
        this.fc2 = new Linear(prefix + "fc2", hidden, out, true, src, backend);
    }

    public Linear fc1() {
        return fc1;
    }

    public Linear fc2() {
        return fc2;
    }

    public int hidden() {
        return fc1.outFeatures();
    }

    /** residual [rows, out] += fc2(gelu(fc1(x))) for x [rows, in]; the hidden activation comes from {@code ws}. */
    public void forwardAccumulate(Tensor x, Tensor residual, Workspace ws) {
        long mark = ws.mark();
        Tensor h = ws.allocate(x.dim(0), hidden());
        fc1.forward(x, h, Epilogue.GELU);
        fc2.forward(h, residual, Epilogue.ACCUMULATE);
        ws.release(mark);
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        fc1.collectParameters(out);
        fc2.collectParameters(out);
    }

    @Override
    public void repack() {
        fc1.repack();
        fc2.repack();
    }

    @Override
    public void close() {
        fc1.close();
        fc2.close();
    }

    /** Rows per chunk when a caller splits a long sequence: bounds the hidden activation to about 16 MiB. */
    public int chunkRows() {
        return Math.max(64, (4 << 20) / hidden());
    }
}
