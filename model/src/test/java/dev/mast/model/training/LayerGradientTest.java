package dev.mast.model.training;

import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.ClassifierHead;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.Layer;
import dev.mast.model.layer.Linear;
import dev.mast.model.layer.Mlp;
import dev.mast.model.layer.MultiScaleBlock;
import dev.mast.model.layer.Norm;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.PatchEmbed;
import dev.mast.model.layer.PoolingAttention;
import dev.mast.model.layer.RelPosMode;
import dev.mast.model.layer.VitBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer's backward pass against central finite differences of its float64 forward ({@link Ref64}) on small
 * shapes: the gradient of every parameter and of the input, for L = Σ r·y with a random upstream gradient r. The
 * float32 forward output is also checked against the float64 one. Shapes are chosen to reach the odd paths: odd
 * grids, head dims below and above a vector and not a multiple of it, rel-pos tables that fit, that are longer than
 * needed and that must be resampled (extended mode), both skip projections, drop-path. Tolerances: see
 * {@link GradCheck}.
 */
class LayerGradientTest {
    private TensorArena arena;
    private EnginePool pool;
    private JavaBackend backend;
    private TrainContext ctx;
    private GradCheck.Gaussian source;
    private final List<Layer> layers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        arena = new TensorArena();
        pool = new EnginePool(2);
        backend = new JavaBackend(pool);
        ctx = new TrainContext(pool);
        source = new GradCheck.Gaussian(11);
    }

    @AfterEach
    void tearDown() {
        for (Layer l : layers) l.close();
        ctx.close();
        backend.close();
        pool.close();
        source.close();
        arena.close();
    }

    private <L extends Layer> L layer(L l) {
        layers.add(l);
        return l;
    }

    private List<Parameter> params(Layer l) {
        List<Parameter> ps = new ArrayList<>();
        l.collectParameters(ps);
        return GradCheck.withGradients(ps, arena.arena());
    }

    /**
     * Checks one layer: its float32 output y32 against the float64 reference at the unperturbed point, then the
     * gradients of all parameters and of the input x (gradient dx) against finite differences of the reference.
     */
    private void verify(String what, List<Parameter> params, Tensor x, float[] dx, Tensor r, Tensor y32,
                        Function<Ref64.Params, Function<double[], double[]>> reference) {
        Ref64.Params p = GradCheck.doubles(params);
        double[] x64 = GradCheck.toDouble(x.toArray());
        Function<double[], double[]> f = reference.apply(p);
        double[] y64 = f.apply(x64);
        float[] y = y32.toArray();
        double scale = 0, err = 0;
        for (int i = 0; i < y.length; i++) {
            scale = Math.max(scale, Math.abs(y64[i]));
            err = Math.max(err, Math.abs(y[i] - y64[i]));
        }
        assertTrue(err <= 1e-5 * scale, what + ": float32 forward differs from float64 by " + err / scale);
        float[] rr = r.toArray();
        GradCheck gc = new GradCheck(3, () -> GradCheck.dot(rr, f.apply(x64)));
        List<float[]> grads = new ArrayList<>();
        for (Parameter q : params) grads.add(q.grad().toArray());
        if (dx != null) grads.add(dx);
        gc.floor(grads);
        for (Parameter q : params) gc.check(q.name(), p.of(q), q.grad().toArray());
        if (dx != null) gc.check("input", x64, dx);
        System.out.printf("%s: forward %.1e, worst gradient error %.1e%n%s", what, err / scale, gc.worst(), gc.report());
    }

    private Tensor random(SplittableRandom r, int... shape) {
        return GradCheck.random(arena, r, 1, shape);
    }

    @ParameterizedTest
    @CsvSource({"true, false", "false, false", "true, true"})
    void linear(boolean bias, boolean accumulate) {
        SplittableRandom r = new SplittableRandom(1);
        Linear l = layer(new Linear("lin", 19, 13, bias, source, backend));
        List<Parameter> ps = params(l);
        Tensor x = random(r, 7, 19), dy = random(r, 7, 13), y = random(r, 7, 13), dx = random(r, 7, 19);
        float[] y0 = y.toArray(), dx0 = dx.toArray();
        LinearGrad g = new LinearGrad(l);
        g.forward(ctx, x, y, accumulate);
        g.backward(ctx, dy, dx, accumulate);
        float[] dxOnly = dx.toArray();
        if (accumulate) {
            // y = y0 + x·Wᵀ + b and dx = dx0 + dy·W: check the added parts
            for (int i = 0; i < dxOnly.length; i++) dxOnly[i] -= dx0[i];
            float[] yv = y.toArray();
            for (int i = 0; i < yv.length; i++) yv[i] -= y0[i];
            y = Tensor.of(yv, 7, 13);
        }
        verify("linear bias=" + bias + " accumulate=" + accumulate, ps, x, dxOnly, dy, y,
                p -> xs -> Ref64.linear(p, l, xs, 7));
    }

    @Test
    void layerNorm() {
        SplittableRandom r = new SplittableRandom(2);
        Norm n = new Norm("norm", 24, 1e-6, source);
        List<Parameter> ps = params(n);
        Tensor x = random(r, 3, 5, 24), dy = random(r, 3, 5, 24), y = arena.allocate(3, 5, 24);
        Tensor dx = arena.allocate(3, 5, 24);
        NormGrad g = new NormGrad(n);
        g.forward(ctx, x, y);
        g.backward(ctx, dy, dx);
        verify("layer norm", ps, x, dx.toArray(), dy, y, p -> xs -> Ref64.layerNorm(p, n, xs, 24));
    }

    @Test
    void mlp() {
        SplittableRandom r = new SplittableRandom(3);
        Mlp m = layer(new Mlp("mlp.", 12, 40, 20, source, backend));
        List<Parameter> ps = params(m);
        Tensor x = random(r, 9, 12), dy = random(r, 9, 20), y = arena.allocate(9, 20), dx = arena.allocate(9, 12);
        MlpGrad g = new MlpGrad(m);
        g.forward(ctx, x, y, false);
        g.backward(ctx, dy, dx, false);
        verify("mlp", ps, x, dx.toArray(), dy, y, p -> xs -> Ref64.mlp(p, m, xs, 9));
    }

    @ParameterizedTest
    @CsvSource({"7, 4, 3, 30, 26", "16, 10, 0, 36, 41", "3, 2, 1, 9, 8"})
    void patchStem(int kernel, int stride, int pad, int frames, int bins) {
        SplittableRandom r = new SplittableRandom(4);
        PatchEmbed pe = layer(new PatchEmbed(10, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {pad, pad}, source, backend));
        List<Parameter> ps = params(pe);
        Tensor input = random(r, 2, frames, bins); // (B, T, F) as the models see it; the image is its transpose
        Grid g = pe.grid(bins, frames);
        Tensor y = arena.allocate(2, g.h(), g.w(), 10), dy = random(r, 2, g.h(), g.w(), 10);
        Tensor dInput = arena.allocate(2, frames, bins);
        PatchEmbedGrad grad = new PatchEmbedGrad(pe);
        grad.forward(ctx, input.transpose(1, 2), y);
        grad.backward(ctx, dy, dInput.transpose(1, 2));
        verify("patch stem " + kernel + "/" + stride + "/" + pad, ps, input, dInput.toArray(), dy, y,
                p -> xs -> Ref64.conv(Ref64.image(xs, 2, frames, bins), 2, bins, frames,
                        p.of(pe.weight()), p.of(pe.bias()), pe.geometry()));
    }

    @Test
    void meanTokensAndHead() {
        SplittableRandom r = new SplittableRandom(5);
        ClassifierHead head = layer(new ClassifierHead(20, 6, 1e-5, source, backend));
        List<Parameter> ps = params(head);
        Tensor x = random(r, 3, 7, 20), pooled = arena.allocate(3, 20), logits = arena.allocate(3, 6);
        Tensor dLogits = random(r, 3, 6), dPooled = arena.allocate(3, 20), dx = arena.allocate(3, 7, 20);
        HeadGrad g = new HeadGrad(head);
        MeanTokens.forward(pool, x, pooled);
        g.forward(ctx, pooled, logits);
        g.backward(ctx, dLogits, dPooled);
        MeanTokens.backward(pool, dPooled, dx);
        verify("mean + head", ps, x, dx.toArray(), dLogits, logits, p -> xs -> Ref64.linear(p, head.linear(),
                Ref64.layerNorm(p, head.norm(), Ref64.meanTokens(xs, 3, 7, 20), 20), 3));
    }

    /**
     * Pooling attention: query and key/value strides, head dims of half a vector (widened window kernels), one and
     * a half vectors (overlapping channel block) and more, and rel-pos tables built for the run grid, for a larger
     * grid (longer than needed) and for a smaller one (extended mode resamples them).
     */
    @ParameterizedTest
    @CsvSource({
            "2, 8, 1, 2, 2, 5, 7, 5, 7",
            "1, 24, 2, 2, 2, 6, 5, 6, 5",
            "2, 12, 2, 1, 1, 5, 6, 9, 9",
            "3, 16, 1, 4, 2, 7, 6, 3, 4",
            "2, 32, 2, 2, 1, 4, 9, 2, 3"})
    void poolingAttention(int heads, int headDim, int strideQ, int strideKvH, int strideKvW, int h, int w,
                          int tableH, int tableW) {
        SplittableRandom r = new SplittableRandom(6);
        int dimIn = 12, a = heads * headDim, batch = 2;
        Grid g = new Grid(h, w);
        PoolingAttention at = layer(new PoolingAttention("attn.", dimIn, a, heads, true, strideQ, strideKvH, strideKvW,
                1e-6, new Grid(tableH, tableW), RelPosMode.EXTENDED, source, backend));
        List<Parameter> ps = params(at);
        Grid gq = at.outputGrid(g);
        Tensor x = random(r, batch, g.tokens(), dimIn), dy = random(r, batch, gq.tokens(), a);
        Tensor y = arena.allocate(batch, gq.tokens(), a), dx = arena.allocate(batch, g.tokens(), dimIn);
        PoolingAttentionGrad grad = new PoolingAttentionGrad(at);
        grad.forward(ctx, x, g, y, false);
        grad.backward(ctx, dy, dx, false);
        verify("pooling attention " + heads + "x" + headDim + " q/" + strideQ + " kv/" + strideKvH + "x" + strideKvW
                        + " grid " + g + " tables for " + tableH + "x" + tableW, ps, x, dx.toArray(), dy, y,
                p -> xs -> Ref64.poolingAttention(p, at, xs, batch, g));
    }

    /**
     * MViTv2 blocks: width grows in attention with a pooled skip (tiny/small/base transitions), an in-place block,
     * width grows in the MLP (large), and drop-path on both branches.
     */
    @ParameterizedTest
    @CsvSource({
            "16, 32, 32, 2, true, false, 2, 2, 0",
            "16, 16, 16, 1, false, false, 1, 2, 0",
            "16, 16, 32, 2, false, true, 2, 1, 0",
            "16, 32, 32, 2, true, false, 2, 2, 0.5",
            "16, 16, 16, 2, false, false, 1, 1, 0.5"})
    void multiScaleBlock(int dimIn, int dimAttn, int dimOut, int heads, boolean projAttn, boolean projMlp,
                         int strideQ, int strideKv, double dropPath) {
        SplittableRandom r = new SplittableRandom(7);
        int batch = 4;
        Grid g = new Grid(6, 5);
        MultiScaleBlock blk = layer(new MultiScaleBlock("blk.", dimIn, dimAttn, dimOut, heads, 2 * dimAttn, true,
                projAttn, projMlp, strideQ, strideKv, strideKv, 1e-6, g, RelPosMode.EXTENDED, source, backend));
        List<Parameter> ps = params(blk);
        Grid gq = blk.outputGrid(g);
        Tensor x = random(r, batch, g.tokens(), dimIn), dy = random(r, batch, gq.tokens(), dimOut);
        MultiScaleBlockGrad grad = new MultiScaleBlockGrad(blk, dropPath);
        Tensor y = grad.forward(ctx, x, g, new SplittableRandom(99));
        Tensor dx = grad.backward(ctx, dy);
        double[][] keep = dropPath > 0 ? drawnScales(new SplittableRandom(99), dropPath, batch) : new double[2][];
        verify("block " + dimIn + "->" + dimAttn + "->" + dimOut + " q/" + strideQ + " kv/" + strideKv
                        + (projAttn ? " proj_attn" : "") + (projMlp ? " proj_mlp" : "") + " drop-path " + dropPath,
                ps, x, dx.toArray(), dy, y, p -> xs -> Ref64.multiScaleBlock(p, blk, xs, batch, g, keep[0], keep[1]));
    }

    /** The two branches' per-sample drop-path scales that {@link DropPath} draws from a generator so seeded. */
    static double[][] drawnScales(SplittableRandom rng, double rate, int batch) {
        double[][] keep = new double[2][batch];
        boolean kept = false, dropped = false;
        for (double[] branch : keep) {
            for (int b = 0; b < batch; b++) {
                branch[b] = rng.nextDouble() < 1 - rate ? 1 / (float) (1 - rate) : 0;
                kept |= branch[b] > 0;
                dropped |= branch[b] == 0;
            }
        }
        assertTrue(kept && dropped, "the drop-path draws should both keep and drop some samples");
        return keep;
    }

    @ParameterizedTest
    @CsvSource({"2, 0", "4, 0.5"})
    void vitBlock(int heads, double dropPath) {
        SplittableRandom r = new SplittableRandom(8);
        int batch = 4, n = 9, d = 24;
        VitBlock blk = layer(new VitBlock("blk.", d, heads, 3 * d, true, 1e-6, source, backend));
        List<Parameter> ps = params(blk);
        Tensor x = random(r, batch, n, d), dy = random(r, batch, n, d);
        VitBlockGrad grad = new VitBlockGrad(blk, dropPath);
        Tensor y = grad.forward(ctx, x, new SplittableRandom(99));
        Tensor dx = grad.backward(ctx, dy);
        double[][] keep = dropPath > 0 ? drawnScales(new SplittableRandom(99), dropPath, batch) : new double[2][];
        verify("ViT block heads " + heads + " drop-path " + dropPath, ps, x, dx.toArray(), dy, y,
                p -> xs -> Ref64.vitBlock(p, blk, xs, batch, n, keep[0], keep[1]));
    }
}
