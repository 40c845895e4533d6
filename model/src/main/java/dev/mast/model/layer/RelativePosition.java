package dev.mast.model.layer;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * MViTv2's decomposed relative-position bias (spec §2.6): per-axis tables {@code attn.rel_pos_h} and
 * {@code attn.rel_pos_w} [R, head_dim]; for a query at grid (i, j) and a key at (k, l)
 * {@code A[(i,j),(k,l)] += ⟨q_ij, rel_pos_h[idx_h(i,k)]⟩ + ⟨q_ij, rel_pos_w[idx_w(j,l)]⟩}, where q is the pooled,
 * normalised, unscaled query and the index follows timm in float32:
 * {@code idx(i,k) = trunc(f32(i)·r_q − f32(k)·r_k + f32((k_n − 1)·r_k))}, r_q = max(k_n/q_n, 1), r_k = max(q_n/k_n, 1).
 *
 * <p>A fresh model sizes each table from the grid it was configured for (2·max(q, k) − 1 per axis); imported
 * tables keep their length. If a run-time grid needs an index beyond a table, {@link RelPosMode} decides.
 */
public final class RelativePosition implements Layer {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Parameter tableH;
    private final Parameter tableW;
    private final RelPosMode mode;
    private final int headDim;

    /**
     * @param rowsH length of a fresh {@code rel_pos_h} (an imported one may differ)
     * @param rowsW length of a fresh {@code rel_pos_w}
     */
    public RelativePosition(String prefix, int headDim, int rowsH, int rowsW, RelPosMode mode, ParameterSource src) {
        this.headDim = headDim;
        this.mode = mode;
        this.tableH = table(prefix + "rel_pos_h", rowsH, headDim, src);
        this.tableW = table(prefix + "rel_pos_w", rowsW, headDim, src);
    }

    private static Parameter table(String name, int rows, int headDim, ParameterSource src) {
        Tensor t = src.take(new ParameterSpec(name, Parameter.Kind.REL_POS, new int[] {rows, headDim},
                ParameterSpec.Init.TRUNC_NORMAL, 0, true));
        if (t.rank() != 2 || t.dim(1) != headDim || t.dim(0) < 1 || !t.isContiguous()) {
            throw new ShapeMismatchException(name + ": expected [R, " + headDim + "], got " + t.shapeString());
        }
        return new Parameter(name, Parameter.Kind.REL_POS, t);
    }

    public Parameter tableH() {
        return tableH;
    }

    public Parameter tableW() {
        return tableW;
    }

    /** Table length a fresh model uses for query length q and key length k along one axis. */
    public static int freshRows(int q, int k) {
        return 2 * Math.max(q, k) - 1;
    }

    /**
     * timm's table index for every (query i, key k) pair of an axis with qn queries and kn keys, as element
     * [i·kn + k]. The ratios are Python doubles that PyTorch rounds to float32 when it multiplies the float32
     * position tensors; the offset product is formed in double, then rounded.
     */
    static int[] indices(int qn, int kn) {
        double ratioK = Math.max((double) qn / kn, 1.0);
        float rq = (float) Math.max((double) kn / qn, 1.0);
        float rk = (float) ratioK;
        float offset = (float) ((kn - 1) * ratioK);
        int[] idx = new int[qn * kn];
        for (int i = 0; i < qn; i++) {
            for (int k = 0; k < kn; k++) {
                float d = (float) i * rq - (float) k * rk; // each product and the difference rounded to float32
                idx[i * kn + k] = (int) (d + offset);
            }
        }
        return idx;
    }

    /**
     * One axis of the bias: timm's index for every (query, key) pair ({@link #indices}) and the table those
     * indices read, the parameter itself or (extended mode) a resampled copy.
     *
     * @param resampled whether {@code table} is a copy resampled from the parameter by {@link LinearResample}
     */
    public record Axis(int[] index, Tensor table, boolean resampled) {}

    /** The height axis for qn query rows and kn key rows; a resampled table is allocated in {@code ws}. */
    public Axis axisH(int qn, int kn, Workspace ws) {
        return axis(tableH, qn, kn, ws);
    }

    /** The width axis for qn query columns and kn key columns; a resampled table is allocated in {@code ws}. */
    public Axis axisW(int qn, int kn, Workspace ws) {
        return axis(tableW, qn, kn, ws);
    }

    /**
     * The table to index for this axis: the parameter itself when every index fits (timm-exact), else (extended
     * mode) a copy resampled to 2·max(q, k) − 1 rows in {@code ws}.
     */
    private Axis axis(Parameter p, int qn, int kn, Workspace ws) {
        int[] idx = indices(qn, kn);
        Tensor t = p.value();
        int max = 0;
        for (int v : idx) max = Math.max(max, v);
        if (max < t.dim(0)) return new Axis(idx, t, false);
        if (mode == RelPosMode.STRICT) {
            throw new IllegalArgumentException(p.name() + " has " + t.dim(0) + " rows but a grid of " + qn
                    + " queries by " + kn + " keys needs index " + max + " (clip too long for strict rel-pos mode;"
                    + " extended mode interpolates the table)");
        }
        Tensor resized = ws.allocate(freshRows(qn, kn), headDim);
        LinearResample.resample(t, resized);
        return new Axis(idx, resized, true);
    }

    /**
     * scores [nb, heads, Nq, Nk] (contiguous) += the decomposed bias for the queries q [nb, heads, Nq, head_dim]
     * (any strides, unit inner stride) on grid {@code gq} attending to keys on grid {@code gk}.
     */
    public void addBias(ForwardContext ctx, Tensor scores, Tensor q, Grid gq, Grid gk) {
        addBias(ctx.backend().pool(), scores, q, gq, gk, axisH(gq.h(), gk.h(), ctx.ws()),
                axisW(gq.w(), gk.w(), ctx.ws()));
    }

    /** As {@link #addBias(ForwardContext, Tensor, Tensor, Grid, Grid)} with the axes already resolved. */
    public void addBias(EnginePool pool, Tensor scores, Tensor q, Grid gq, Grid gk, Axis h, Axis w) {
        int nb = scores.dim(0), heads = scores.dim(1), nq = scores.dim(2), nk = scores.dim(3);
        if (nq != gq.tokens() || nk != gk.tokens() || !scores.isContiguous() || q.rank() != 4 || q.dim(0) != nb
                || q.dim(1) != heads || q.dim(2) != nq || q.dim(3) != headDim || !q.hasUnitInnerStride()) {
            throw new ShapeMismatchException("rel-pos bias: scores " + scores + ", q " + q + ", grids " + gq + " / "
                    + gk);
        }
        long rows = (long) nb * heads * nq;
        int tasks = (int) Math.min(rows, 4L * pool.threads());
        pool.parallelFor(tasks, t -> addRows(scores, q, h.table(), w.table(), h.index(), w.index(), gq, gk,
                rows * t / tasks, rows * (t + 1) / tasks));
    }

    /** Rows [r0, r1) of the flattened (batch, head, query) axis; each row is computed the same way on any thread. */
    private void addRows(Tensor scores, Tensor q, Tensor th, Tensor tw, int[] idxH, int[] idxW, Grid gq, Grid gk,
                         long r0, long r1) {
        int heads = scores.dim(1), nq = scores.dim(2), nk = scores.dim(3);
        int kh = gk.h(), kw = gk.w(), qw = gq.w();
        float[] relH = new float[kh];
        float[] relW = new float[kw];
        MemorySegment qs = q.storage(), ss = scores.storage(), hs = th.storage(), ws = tw.storage();
        for (long r = r0; r < r1; r++) {
            int n = (int) (r % nq);
            long bh = r / nq;
            int head = (int) (bh % heads), b = (int) (bh / heads);
            int i = n / qw, j = n % qw;
            long qOff = (q.offset() + b * q.stride(0) + head * q.stride(1) + n * q.stride(2)) * Float.BYTES;
            for (int a = 0; a < kh; a++) {
                relH[a] = dot(qs, qOff, hs, (th.offset() + idxH[i * kh + a] * th.stride(0)) * Float.BYTES);
            }
            for (int c = 0; c < kw; c++) {
                relW[c] = dot(qs, qOff, ws, (tw.offset() + idxW[j * kw + c] * tw.stride(0)) * Float.BYTES);
            }
            long sOff = (scores.offset() + r * nk) * Float.BYTES;
            for (int a = 0; a < kh; a++) {
                addRow(ss, sOff + (long) a * kw * Float.BYTES, relH[a], relW, kw);
            }
        }
    }

    /** ⟨x, y⟩ over head_dim floats at the given byte offsets. */
    private float dot(MemorySegment x, long xOff, MemorySegment y, long yOff) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        for (; c <= headDim - SPECIES.length(); c += SPECIES.length()) {
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, x, xOff + (long) c * Float.BYTES, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, y, yOff + (long) c * Float.BYTES, ORDER);
            acc = a.fma(b, acc);
        }
        // Lanes summed in a fixed order: reduceLanes(ADD) may associate differently in the interpreter and in
        // compiled code, which would make results depend on JIT timing.
        float s = 0;
        for (int l = 0; l < SPECIES.length(); l++) s += acc.lane(l);
        for (; c < headDim; c++) {
            s += x.get(ValueLayout.JAVA_FLOAT, xOff + (long) c * Float.BYTES)
                    * y.get(ValueLayout.JAVA_FLOAT, yOff + (long) c * Float.BYTES);
        }
        return s;
    }

    /** s[l] = (s[l] + relH) + relW[l] for the kw scores of one key row (PyTorch's order of the two adds). */
    private static void addRow(MemorySegment s, long off, float relH, float[] relW, int kw) {
        FloatVector h = FloatVector.broadcast(SPECIES, relH);
        int l = 0;
        for (; l <= kw - SPECIES.length(); l += SPECIES.length()) {
            long o = off + (long) l * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, s, o, ORDER);
            v.add(h).add(FloatVector.fromArray(SPECIES, relW, l)).intoMemorySegment(s, o, ORDER);
        }
        for (; l < kw; l++) {
            long o = off + (long) l * Float.BYTES;
            s.set(ValueLayout.JAVA_FLOAT, o, s.get(ValueLayout.JAVA_FLOAT, o) + relH + relW[l]);
        }
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        out.add(tableH);
        out.add(tableW);
    }
}
