package dev.mast.model.training;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.LinearResample;
import dev.mast.model.layer.RelativePosition;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Training passes of MViTv2's decomposed relative-position bias ({@link RelativePosition}). For a query row r at
 * grid cell (i, j) and a key at (k, l), {@code S[r, (k, l)] += ⟨q_r, Th[ih(i, k)]⟩ + ⟨q_r, Tw[iw(j, l)]⟩}, so with
 * the score gradient dS:
 * <pre>
 *   sH[r, k] = Σ_l dS[r, (k, l)],   sW[r, l] = Σ_k dS[r, (k, l)]
 *   dq_r    += Σ_k sH[r, k]·Th[ih(i, k)] + Σ_l sW[r, l]·Tw[iw(j, l)]
 *   dTh[ih(i, k)] += Σ over rows r in grid row i of sH[r, k]·q_r      (batch, head, column j in order)
 *   dTw[iw(j, l)] += Σ over rows r in grid column j of sW[r, l]·q_r   (batch, head, row i in order)
 * </pre>
 * When the extended mode resampled a table for this grid, its gradient goes back through
 * {@link LinearResample#backward} to the parameter. Every sum has a fixed order and work is cut by shape: the bits
 * do not depend on the thread count.
 */
final class RelPosGrad implements AttentionCore.ScoreBias {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final RelativePosition layer;
    private final Tensor dTableH, dTableW;
    private final int headDim;
    private Grid gq, gk;
    private RelativePosition.Axis axisH, axisW;

    RelPosGrad(RelativePosition layer) {
        this.layer = layer;
        this.dTableH = layer.tableH().grad();
        this.dTableW = layer.tableW().grad();
        this.headDim = layer.tableH().value().dim(1);
    }

    /** Resolves both axes for queries on {@code gq} and keys on {@code gk}; resampled tables live in ctx.saved. */
    void prepare(TrainContext ctx, Grid gq, Grid gk) {
        this.gq = gq;
        this.gk = gk;
        this.axisH = layer.axisH(gq.h(), gk.h(), ctx.saved);
        this.axisW = layer.axisW(gq.w(), gk.w(), ctx.saved);
    }

    @Override
    public void forward(TrainContext ctx, Tensor scores, Tensor q) {
        layer.addBias(ctx.pool, scores, q, gq, gk, axisH, axisW);
    }

    @Override
    public void backward(TrainContext ctx, Tensor dScores, Tensor q, Tensor dq) {
        int nb = dScores.dim(0), heads = dScores.dim(1), nq = dScores.dim(2);
        int kh = gk.h(), kw = gk.w(), qh = gq.h(), qw = gq.w();
        long rows = (long) nb * heads * nq;
        long mark = ctx.scratch.mark();
        Tensor sumH = ctx.scratch.allocate((int) rows, kh), sumW = ctx.scratch.allocate((int) rows, kw);
        EnginePool pool = ctx.pool;
        int tasks = (int) Math.min(rows, 4L * pool.threads());
        pool.parallelFor(tasks, t -> queryRows(dScores, q, dq, sumH, sumW, rows * t / tasks, rows * (t + 1) / tasks));

        Tensor gh = ctx.scratch.allocate(qh * kh, headDim), gw = ctx.scratch.allocate(qw * kw, headDim);
        pool.parallelFor(qh * kh, t -> tableRow(q, sumH, t / kh, t % kh, true, gh.select(0, t)));
        pool.parallelFor(qw * kw, t -> tableRow(q, sumW, t / kw, t % kw, false, gw.select(0, t)));
        scatter(ctx, gh, axisH, dTableH);
        scatter(ctx, gw, axisW, dTableW);
        ctx.scratch.release(mark);
    }

    /** Pass 1 over query rows [r0, r1): the key-row and key-column sums of dS, and dq. */
    private void queryRows(Tensor ds, Tensor q, Tensor dq, Tensor sumH, Tensor sumW, long r0, long r1) {
        int heads = ds.dim(1), nq = ds.dim(2), nk = ds.dim(3);
        int kh = gk.h(), kw = gk.w(), qw = gq.w();
        int[] idxH = axisH.index(), idxW = axisW.index();
        Tensor th = axisH.table(), tw = axisW.table();
        MemorySegment dss = ds.storage(), sh = sumH.storage(), sw = sumW.storage(), dqs = dq.storage();
        MemorySegment ths = th.storage(), tws = tw.storage();
        float[] rowH = new float[kh], rowW = new float[kw];
        long[] offH = new long[kh], offW = new long[kw];
        int whole = headDim - headDim % LANES;
        for (long r = r0; r < r1; r++) {
            long s = (ds.offset() + r * nk) * Float.BYTES;
            Arrays.fill(rowW, 0f);
            for (int a = 0; a < kh; a++) {
                float sum = 0;
                for (int c = 0; c < kw; c++) {
                    float v = dss.get(FLOAT, s + ((long) a * kw + c) * Float.BYTES);
                    sum += v;
                    rowW[c] += v;
                }
                rowH[a] = sum;
            }
            MemorySegment.copy(rowH, 0, sh, FLOAT, (sumH.offset() + r * kh) * Float.BYTES, kh);
            MemorySegment.copy(rowW, 0, sw, FLOAT, (sumW.offset() + r * kw) * Float.BYTES, kw);

            int n = (int) (r % nq), head = (int) (r / nq % heads), b = (int) (r / nq / heads);
            int i = n / qw, j = n % qw;
            for (int a = 0; a < kh; a++) offH[a] = (th.offset() + idxH[i * kh + a] * th.stride(0)) * Float.BYTES;
            for (int c = 0; c < kw; c++) offW[c] = (tw.offset() + idxW[j * kw + c] * tw.stride(0)) * Float.BYTES;
            long dqOff = (dq.offset() + b * dq.stride(0) + head * dq.stride(1) + n * dq.stride(2)) * Float.BYTES;
            // dq_r += Σ_a rowH[a]·Th[row a] + Σ_c rowW[c]·Tw[row c], one vector of head_dim at a time
            for (int e = 0; e < whole; e += LANES) {
                long o = (long) e * Float.BYTES;
                FloatVector acc = FloatVector.fromMemorySegment(SPECIES, dqs, dqOff + o, ORDER);
                for (int a = 0; a < kh; a++) {
                    acc = FloatVector.fromMemorySegment(SPECIES, ths, offH[a] + o, ORDER)
                            .fma(FloatVector.broadcast(SPECIES, rowH[a]), acc);
                }
                for (int c = 0; c < kw; c++) {
                    acc = FloatVector.fromMemorySegment(SPECIES, tws, offW[c] + o, ORDER)
                            .fma(FloatVector.broadcast(SPECIES, rowW[c]), acc);
                }
                acc.intoMemorySegment(dqs, dqOff + o, ORDER);
            }
            for (int e = whole; e < headDim; e++) {
                long o = (long) e * Float.BYTES;
                float acc = dqs.get(FLOAT, dqOff + o);
                for (int a = 0; a < kh; a++) acc = Math.fma(ths.get(FLOAT, offH[a] + o), rowH[a], acc);
                for (int c = 0; c < kw; c++) acc = Math.fma(tws.get(FLOAT, offW[c] + o), rowW[c], acc);
                dqs.set(FLOAT, dqOff + o, acc);
            }
        }
    }

    /**
     * Pass 2: {@code out = Σ sums[r, key]·q_r} over the query rows r in grid row {@code line} (height axis) or grid
     * column {@code line} (width axis), in (batch, head, position) order.
     */
    private void tableRow(Tensor q, Tensor sums, int line, int key, boolean height, Tensor out) {
        int nb = q.dim(0), heads = q.dim(1), nq = q.dim(2);
        int qw = gq.w(), keys = sums.dim(1);
        int along = height ? qw : gq.h(), terms = nb * heads * along;
        float[] weight = new float[terms];
        long[] qOff = new long[terms];
        MemorySegment ss = sums.storage(), qs = q.storage(), os = out.storage();
        int t = 0;
        for (int b = 0; b < nb; b++) {
            for (int head = 0; head < heads; head++) {
                long base = (long) (b * heads + head) * nq;
                for (int p = 0; p < along; p++, t++) {
                    int n = height ? line * qw + p : p * qw + line;
                    weight[t] = ss.get(FLOAT, (sums.offset() + (base + n) * keys + key) * Float.BYTES);
                    qOff[t] = (q.offset() + b * q.stride(0) + head * q.stride(1) + n * q.stride(2)) * Float.BYTES;
                }
            }
        }
        int whole = headDim - headDim % LANES;
        long outOff = out.offset() * Float.BYTES;
        for (int e = 0; e < whole; e += LANES) {
            long o = (long) e * Float.BYTES;
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int k = 0; k < terms; k++) {
                acc = FloatVector.fromMemorySegment(SPECIES, qs, qOff[k] + o, ORDER)
                        .fma(FloatVector.broadcast(SPECIES, weight[k]), acc);
            }
            acc.intoMemorySegment(os, outOff + o, ORDER);
        }
        for (int e = whole; e < headDim; e++) {
            long o = (long) e * Float.BYTES;
            float acc = 0;
            for (int k = 0; k < terms; k++) acc = Math.fma(qs.get(FLOAT, qOff[k] + o), weight[k], acc);
            os.set(FLOAT, outOff + o, acc);
        }
    }

    /** Pass 3: adds each (line, key) gradient row to the table row it read, in order; then through resampling. */
    private void scatter(TrainContext ctx, Tensor g, RelativePosition.Axis axis, Tensor dParam) {
        long mark = ctx.scratch.mark();
        Tensor target = axis.resampled() ? ctx.scratch.allocateZeroed(axis.table().shape()) : dParam;
        int[] idx = axis.index();
        float[] row = new float[headDim];
        for (int t = 0; t < idx.length; t++) {
            MemorySegment.copy(g.storage(), FLOAT, (g.offset() + (long) t * headDim) * Float.BYTES, row, 0, headDim);
            addInto(row, target.storage(), (target.offset() + idx[t] * target.stride(0)) * Float.BYTES);
        }
        if (axis.resampled()) LinearResample.backward(target, dParam);
        ctx.scratch.release(mark);
    }

    /** head_dim floats at byte offset yOff += acc. */
    private void addInto(float[] acc, MemorySegment y, long yOff) {
        int c = 0;
        for (; c <= headDim - LANES; c += LANES) {
            long o = yOff + (long) c * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, y, o, ORDER).add(FloatVector.fromArray(SPECIES, acc, c))
                    .intoMemorySegment(y, o, ORDER);
        }
        for (; c < headDim; c++) {
            long o = yOff + (long) c * Float.BYTES;
            y.set(FLOAT, o, y.get(FLOAT, o) + acc[c]);
        }
    }
}
