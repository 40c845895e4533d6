package dev.mast.train.optim;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.layer.Parameter;
import dev.mast.train.TestResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Gradient clipping against torch.nn.utils.clip_grad_norm_ (resources optim/make_adamw.py, clip case). */
class GradientClippingTest {
    private static final String DIR = "dev/mast/train/optim/clip/";

    private static List<Parameter> params(TensorArena arena) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var g = TestResources.npy(DIR + "g" + i + ".npy");
            Parameter p = new Parameter("p" + i, Parameter.Kind.WEIGHT, arena.allocate(g.shape()));
            p.allocateGrad(arena.arena()).copyFrom(g.data());
            ps.add(p);
        }
        ps.add(new Parameter("no_grad", Parameter.Kind.BIAS, arena.allocate(5)));
        return ps;
    }

    private static double exactNorm(List<Parameter> ps) {
        double s = 0;
        for (Parameter p : ps) {
            if (p.grad() == null) continue;
            for (float x : p.grad().toArray()) s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void clipsToTheMaximumNormLikeTorch() {
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = params(arena);
            double exact = exactNorm(ps);
            double norm = GradientClipping.clip(ps, 1.0);
            // float32 torch norm vs our double sum of float32 squares: both within float rounding of the exact value
            assertEquals(TestResources.npy(DIR + "norm_clipped.npy").data()[0], norm, 2e-6 * norm);
            assertEquals(exact, norm, 1e-6 * exact);
            for (int i = 0; i < 3; i++) {
                float[] expected = TestResources.npy(DIR + "g" + i + "_clipped.npy").data();
                float[] got = ps.get(i).grad().toArray();
                // the clip factor differs from torch's by float rounding of the norm: a few 1e-7 relative
                for (int k = 0; k < got.length; k++) {
                    assertEquals(expected[k], got[k], 3e-7f * Math.abs(expected[k]) + 1e-12f, "g" + i + "[" + k + "]");
                }
            }
            assertEquals(1.0, exactNorm(ps), 1e-5, "norm after clipping");
        }
    }

    @Test
    void leavesGradientsBelowTheMaximumAlone() {
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = params(arena);
            GradientClipping.clip(ps, 100.0);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(TestResources.npy(DIR + "g" + i + "_kept.npy").data(), ps.get(i).grad().toArray());
            }
        }
    }

    @Test
    void normIsBitIdenticalForAnyThreadCount() {
        try (TensorArena arena = new TensorArena(); EnginePool two = new EnginePool(2); EnginePool four = new EnginePool(4)) {
            List<Parameter> ps = new ArrayList<>();
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < 4; i++) {
                int n = 40_000 + 777 * i; // several chunks each, ragged tails
                Parameter p = new Parameter("p" + i, Parameter.Kind.WEIGHT, arena.allocate(n));
                float[] g = new float[n];
                for (int k = 0; k < n; k++) g[k] = (float) r.nextGaussian();
                p.allocateGrad(arena.arena()).copyFrom(g);
                ps.add(p);
            }
            double one = GradientClipping.globalNorm(ps);
            assertEquals(one, GradientClipping.globalNorm(ps, two));
            assertEquals(one, GradientClipping.globalNorm(ps, four));
            assertEquals(exactNorm(ps), one, 1e-6 * one);
        }
    }
}
