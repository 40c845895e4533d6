package dev.mast.model.layer;

import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;

/**
 * AST's learned absolute position embedding {@code pos_embed} [1, 2 + F0·T0, D]: two special-token rows, then one
 * row per patch of the trained grid F0 × T0, row-major. For another grid it is adapted per axis as AST adapts
 * ImageNet embeddings (spec §7): time first, then frequency; an axis that shrinks keeps its centre positions
 * [L/2 − L'/2, L/2 − L'/2 + L'), an axis that grows is resampled linearly ({@link LinearResample}); the special
 * rows are kept. The backward runs the same steps transposed: the crop adds back into its window, the resampling
 * through {@link LinearResample#backward}.
 */
public final class PositionEmbedding {
    private final Parameter table;
    private final Grid trained;

    /** @param table [1, 2 + trained.tokens(), D] */
    public PositionEmbedding(Parameter table, Grid trained) {
        Tensor t = table.value();
        if (t.rank() != 3 || t.dim(0) != 1 || t.dim(1) != trained.tokens() + 2 || !t.isContiguous()) {
            throw new ShapeMismatchException(table.name() + ": expected [1, " + (trained.tokens() + 2) + ", D] for the "
                    + trained + " grid, got " + t.shapeString());
        }
        this.table = table;
        this.trained = trained;
    }

    public Parameter parameter() {
        return table;
    }

    public Grid trainedGrid() {
        return trained;
    }

    private int dim() {
        return table.value().dim(2);
    }

    /** The embedding [g.tokens() + 2, D] for grid {@code g}: the parameter itself, or an adapted copy from ws. */
    public Tensor forward(Workspace ws, Grid g) {
        int d = dim(), p = trained.tokens() + 2;
        Tensor all = table.value().reshape(p, d);
        if (g.equals(trained)) return all;
        int f0 = trained.h(), t0 = trained.w();
        Tensor grid0 = all.slice(0, 2, p).reshape(f0, t0, d);
        Tensor timeAdapted = ws.allocate(f0, g.w(), d);
        for (int f = 0; f < f0; f++) adaptAxis(grid0.select(0, f), timeAdapted.select(0, f));
        Tensor out = ws.allocate(g.tokens() + 2, d);
        out.slice(0, 0, 2).copyFrom(all.slice(0, 0, 2));
        adaptAxis(timeAdapted.reshape(f0, g.w() * d), out.slice(0, 2, g.tokens() + 2).reshape(g.h(), g.w() * d));
        return out;
    }

    /**
     * Adds the gradient {@code dPos} [g.tokens() + 2, D] of the embedding {@link #forward} gave for grid
     * {@code g} to {@code grad} (the parameter's shape). {@code ws} holds scratch, released before returning.
     */
    public void backward(EnginePool pool, Tensor dPos, Grid g, Tensor grad, Workspace ws) {
        int d = dim(), p = trained.tokens() + 2;
        Tensor all = grad.reshape(p, d);
        if (g.equals(trained)) {
            ResidualAdd.forward(pool, all, dPos, all);
            return;
        }
        int f0 = trained.h(), t0 = trained.w();
        long mark = ws.mark();
        ResidualAdd.forward(pool, all.slice(0, 0, 2), dPos.slice(0, 0, 2), all.slice(0, 0, 2));
        Tensor dTimeAdapted = ws.allocateZeroed(f0, g.w(), d);
        adaptAxisBackward(pool, dPos.slice(0, 2, g.tokens() + 2).reshape(g.h(), g.w() * d),
                dTimeAdapted.reshape(f0, g.w() * d));
        Tensor dGrid0 = all.slice(0, 2, p).reshape(f0, t0, d);
        for (int f = 0; f < f0; f++) adaptAxisBackward(pool, dTimeAdapted.select(0, f), dGrid0.select(0, f));
        ws.release(mark);
    }

    /** dst [L', C] from src [L, C]: centre crop when shorter, linear resampling when longer. */
    private static void adaptAxis(Tensor src, Tensor dst) {
        int from = src.dim(0), to = dst.dim(0);
        if (to <= from) {
            int start = from / 2 - to / 2;
            dst.copyFrom(src.slice(0, start, start + to));
        } else {
            LinearResample.resample(src, dst);
        }
    }

    /** dsrc [L, C] += the gradient that ddst [L', C] sends back through {@link #adaptAxis}. */
    private static void adaptAxisBackward(EnginePool pool, Tensor ddst, Tensor dsrc) {
        int from = dsrc.dim(0), to = ddst.dim(0);
        if (to <= from) {
            int start = from / 2 - to / 2;
            Tensor window = dsrc.slice(0, start, start + to);
            ResidualAdd.forward(pool, window, ddst, window);
        } else {
            LinearResample.backward(ddst, dsrc);
        }
    }
}
