package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The memory-bounding chunk loops give the same results as one pass, and attention matches its definition. */
class ChunkingTest {
    private static Tensor random(TensorArena arena, long seed, int... shape) {
        Tensor t = arena.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) r.nextGaussian());
        return t;
    }

    /** Gaussian parameters for any spec. */
    private static final class Gaussian implements ParameterSource {
        final Arena arena = Arena.ofShared();
        final SplittableRandom r = new SplittableRandom(5);

        @Override
        public Tensor take(ParameterSpec spec) {
            Tensor t = Tensor.allocate(arena, spec.shape());
            for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (0.3 * r.nextGaussian()));
            return t;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    @Test
    void attentionInBatchChunksMatchesTheDefinition() {
        int b = 3, h = 2, nq = 5, nk = 7, d = 4;
        float scale = 0.5f;
        try (TensorArena arena = new TensorArena(); JavaBackend be = new JavaBackend(2); Workspace ws = new Workspace()) {
            Tensor q = random(arena, 1, b, h, nq, d), k = random(arena, 2, b, h, nk, d), v = random(arena, 3, b, h, nk, d);
            ForwardContext ctx = new ForwardContext(be, ws, null);
            Tensor whole = arena.allocate(b, h, nq, d), chunked = random(arena, 4, b, h, nq, d);
            Tensor base = arena.allocate(b, h, nq, d).copyFrom(chunked);
            ScaledDotProductAttention.forward(ctx, q, k, v, whole, false, scale, null, null, Long.MAX_VALUE);
            ScaledDotProductAttention.forward(ctx, q, k, v, chunked, true, scale, null, null, (long) h * nq * nk);
            for (int bi = 0; bi < b; bi++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int i = 0; i < nq; i++) {
                        double[] p = new double[nk];
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < nk; j++) {
                            double s = 0;
                            for (int c = 0; c < d; c++) s += q.get(bi, hi, i, c) * k.get(bi, hi, j, c);
                            p[j] = scale * s;
                            max = Math.max(max, p[j]);
                        }
                        for (int j = 0; j < nk; j++) sum += p[j] = Math.exp(p[j] - max);
                        for (int c = 0; c < d; c++) {
                            double z = 0;
                            for (int j = 0; j < nk; j++) z += p[j] / sum * v.get(bi, hi, j, c);
                            assertEquals(z, whole.get(bi, hi, i, c), 1e-5);
                            assertEquals(z + base.get(bi, hi, i, c), chunked.get(bi, hi, i, c), 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void mlpInRowChunksMatchesOnePass() {
        try (TensorArena arena = new TensorArena(); JavaBackend be = new JavaBackend(2); Workspace ws = new Workspace();
             Gaussian src = new Gaussian()) {
            Norm norm = new Norm("norm2", 6, 1e-6, src);
            Linear shortcut = new Linear("shortcut_proj_mlp", 6, 10, true, src, be);
            Mlp mlp = new Mlp("mlp.", 6, 24, 10, src, be);
            ForwardContext ctx = new ForwardContext(be, ws, null);
            Tensor x = random(arena, 9, 23, 6);
            Tensor one = arena.allocate(23, 10), chunks = arena.allocate(23, 10);
            mlp.forwardResidual(ctx, norm, shortcut, x, one, 1000);
            mlp.forwardResidual(ctx, norm, shortcut, x, chunks, 5);
            assertArrayEquals(one.toArray(), chunks.toArray(), 1e-6f);
            // In place without a shortcut: y = x + mlp(norm(x)), chunked the same.
            Mlp square = new Mlp("sq.", 6, 12, 6, src, be);
            Tensor a = arena.allocate(23, 6).copyFrom(x), c = arena.allocate(23, 6).copyFrom(x);
            square.forwardResidual(ctx, norm, null, a, a, 1000);
            square.forwardResidual(ctx, norm, null, c, c, 4);
            assertArrayEquals(a.toArray(), c.toArray(), 1e-6f);
            assertNotEquals(x.getFlat(0), a.getFlat(0));
            mlp.close();
            square.close();
            shortcut.close();
        }
    }
}
