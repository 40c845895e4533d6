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

    /**
     * The MLP half of a pre-norm block over rows: {@code x̂ = norm(x)}, then
     * {@code y = shortcut(x̂) + fc2(gelu(fc1(x̂)))}, or {@code y += fc2(gelu(fc1(x̂)))} without a shortcut. x [rows,
     * in] and y [rows, out] are contiguous; y may be x (in place, no shortcut). Runs over row chunks, which bounds
     * the hidden activation (from the workspace) for long clips.
     */
    public void forwardResidual(ForwardContext ctx, Norm norm, Linear shortcut, Tensor x, Tensor y) {
        forwardResidual(ctx, norm, shortcut, x, y, chunkRows());
    }

    void forwardResidual(ForwardContext ctx, Norm norm, Linear shortcut, Tensor x, Tensor y, int step) {
        Workspace ws = ctx.ws();
        int rows = x.dim(0), in = x.dim(1);
        for (int r0 = 0; r0 < rows; r0 += step) {
            int r1 = Math.min(rows, r0 + step);
            long mark = ws.mark();
            Tensor xhat = ws.allocate(r1 - r0, in);
            norm.forward(ctx.backend(), x.slice(0, r0, r1), xhat);
            Tensor yc = y.slice(0, r0, r1);
            if (shortcut != null) shortcut.forward(xhat, yc, Epilogue.NONE);
            Tensor h = ws.allocate(r1 - r0, hidden());
            fc1.forward(xhat, h, Epilogue.GELU);
            fc2.forward(h, yc, Epilogue.ACCUMULATE);
            ws.release(mark);
        }
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

    /** Rows per chunk: bounds the hidden activation to about 16 MiB. */
    int chunkRows() {
        return Math.max(64, (4 << 20) / hidden());
    }
}
