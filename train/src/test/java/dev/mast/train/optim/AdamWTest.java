package dev.mast.train.optim;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.layer.Parameter;
import dev.mast.train.TestResources;
import dev.mast.train.checkpoint.CheckpointFile;
import dev.mast.train.checkpoint.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AdamW against torch.optim.AdamW: synthetic gradients over four steps with a changing learning rate and a no-decay
 * group (resources optim/make_adamw.py), and the first step of the MAST micro training fixture.
 */
class AdamWTest {
    private static final String DIR = "dev/mast/train/optim/adamw/";
    /** The learning rates of the four steps, as LRS in make_adamw.py. */
    private static final double[] LRS = {1e-3, 2e-3, 1.5e-3, 5e-4};
    /** The kinds of the six synthetic tensors: only the weights are decayed in the PyTorch reference. */
    private static final Parameter.Kind[] KINDS = {Parameter.Kind.WEIGHT, Parameter.Kind.BIAS, Parameter.Kind.NORM,
            Parameter.Kind.REL_POS, Parameter.Kind.WEIGHT, Parameter.Kind.WEIGHT};
    private static final AdamW.Config CONFIG = AdamW.Config.of(0.05).withNoDecay(AdamW.Config.NORMS_BIASES_REL_POS);

    private static List<Parameter> syntheticParams(TensorArena arena) {
        List<Parameter> params = new ArrayList<>();
        for (int i = 0; i < KINDS.length; i++) {
            var init = TestResources.npy(DIR + "p" + i + "_init.npy");
            Parameter p = new Parameter("p" + i, KINDS[i], init.toTensor(arena));
            p.allocateGrad(arena.arena());
            params.add(p);
        }
        return params;
    }

    private static void setGrads(List<Parameter> params, int step) {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).grad().copyFrom(TestResources.npy(DIR + "g" + i + "_s" + step + ".npy").data());
        }
    }

    /**
     * Within two float32 ulps of the tensor's scale (its largest magnitude): PyTorch's kernels may fuse a
     * multiply-add where ours does not, so single roundings differ, and a rounding difference made while a value was
     * large survives when it later shrinks. Observed: at most one ulp, on all
     * synthetic tensors and all 981,285 fixture parameters.
     */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        float tol = 2 * Math.ulp(scale);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, what + " element " + i);
    }

    @Test
    void matchesTorchOnSyntheticGradientsWithNoDecayGroupAndChangingLearningRate() {
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> params = syntheticParams(arena);
            try (AdamW opt = new AdamW(params, CONFIG)) {
                for (int t = 1; t <= LRS.length; t++) {
                    setGrads(params, t);
                    opt.step(LRS[t - 1]);
                    for (int i = 0; i < params.size(); i++) {
                        assertClose(TestResources.npy(DIR + "p" + i + "_s" + t + ".npy").data(),
                                params.get(i).value().toArray(), "p" + i + " after step " + t);
                    }
                }
                StateDict state = opt.state();
                for (int i = 0; i < params.size(); i++) {
                    assertClose(TestResources.npy(DIR + "m" + i + ".npy").data(),
                            state.tensors().get("exp_avg.p" + i).toArray(), "exp_avg p" + i);
                    assertClose(TestResources.npy(DIR + "v" + i + ".npy").data(),
                            state.tensors().get("exp_avg_sq.p" + i).toArray(), "exp_avg_sq p" + i);
                    assertEquals("4", state.metadata().get("step.p" + i));
                }
            }
        }
    }

    @Test
    void decayingEveryKindDiffersFromTheNoDecayGroup() {
        // Guards the option itself: with decay on all kinds the no-decay tensors must end elsewhere.
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> params = syntheticParams(arena);
            try (AdamW opt = new AdamW(params, AdamW.Config.of(0.05))) {
                setGrads(params, 1);
                opt.step(LRS[0]);
            }
            float[] expected = TestResources.npy(DIR + "p1_s1.npy").data();
            float[] init = TestResources.npy(DIR + "p1_init.npy").data();
            float[] got = params.get(1).value().toArray();
            for (int i = 0; i < got.length; i++) {
                // decay moves the bias by lr * wd * p on top of the Adam step
                assertEquals(expected[i] - 1e-3 * 0.05 * init[i], got[i], 2e-7, "decayed bias element " + i);
            }
        }
    }

    @Test
    void parallelStepIsBitIdenticalToSingleThreaded() {
        float[][] single, parallel;
        try (TensorArena arena = new TensorArena()) {
            single = runFourSteps(syntheticParams(arena), null);
        }
        try (TensorArena arena = new TensorArena(); EnginePool pool = new EnginePool(3)) {
            parallel = runFourSteps(syntheticParams(arena), pool);
        }
        for (int i = 0; i < single.length; i++) assertArrayEquals(single[i], parallel[i], "p" + i);
    }

    @Test
    void tensorsSpanningManyParallelChunksGiveTheSameResultAsOneThread() {
        // 200,003 and 65,537 elements: several chunks of 65,536, ragged ends, vector tails
        int[] sizes = {200_003, 65_537, 7};
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (TensorArena arena = new TensorArena(); EnginePool pool = new EnginePool(2)) {
                SplittableRandom r = new SplittableRandom(21);
                List<Parameter> ps = new ArrayList<>();
                for (int size : sizes) {
                    float[] v = new float[size], g = new float[size];
                    for (int k = 0; k < size; k++) {
                        v[k] = (float) r.nextGaussian();
                        g[k] = (float) r.nextGaussian();
                    }
                    Parameter p = new Parameter("p" + size, Parameter.Kind.WEIGHT, arena.copyOf(v, size));
                    p.allocateGrad(arena.arena()).copyFrom(g);
                    ps.add(p);
                }
                float[] before = ps.get(0).value().toArray();
                try (AdamW opt = new AdamW(ps, AdamW.Config.of(0.05))) {
                    for (int t = 0; t < 3; t++) {
                        if (run == 0) opt.step(1e-3);
                        else opt.step(1e-3, pool);
                    }
                }
                float[] after = ps.get(0).value().toArray();
                // every element moved (about 3 · lr), so no chunk was skipped
                for (int k = 0; k < after.length; k++) assertTrue(Math.abs(after[k] - before[k]) > 1e-3, "element " + k);
                results[run] = after;
            }
        }
        assertArrayEquals(results[0], results[1]);
    }

    private static float[][] runFourSteps(List<Parameter> params, EnginePool pool) {
        try (AdamW opt = new AdamW(params, CONFIG)) {
            for (int t = 1; t <= 4; t++) {
                setGrads(params, t);
                if (pool == null) opt.step(LRS[t - 1]);
                else opt.step(LRS[t - 1], pool);
            }
        }
        float[][] out = new float[params.size()][];
        for (int i = 0; i < out.length; i++) out[i] = params.get(i).value().toArray();
        return out;
    }

    @Test
    void stateSavedAfterTwoStepsResumesToTheSameResult(@TempDir Path dir) throws Exception {
        float[][] uninterrupted;
        try (TensorArena arena = new TensorArena()) {
            uninterrupted = runFourSteps(syntheticParams(arena), null);
        }
        Path file = dir.resolve("opt.safetensors");
        float[][] paramsAfterTwo = new float[KINDS.length][];
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> params = syntheticParams(arena);
            try (AdamW opt = new AdamW(params, CONFIG)) {
                for (int t = 1; t <= 2; t++) {
                    setGrads(params, t);
                    opt.step(LRS[t - 1]);
                }
                CheckpointFile.write(file, opt.state());
            }
            for (int i = 0; i < params.size(); i++) paramsAfterTwo[i] = params.get(i).value().toArray();
        }
        try (TensorArena arena = new TensorArena(); Arena readArena = Arena.ofConfined()) {
            List<Parameter> params = syntheticParams(arena);
            for (int i = 0; i < params.size(); i++) params.get(i).value().copyFrom(paramsAfterTwo[i]);
            try (AdamW opt = new AdamW(params, CONFIG)) {
                opt.loadState(CheckpointFile.read(file, readArena));
                assertEquals(2, opt.steps(0));
                for (int t = 3; t <= 4; t++) {
                    setGrads(params, t);
                    opt.step(LRS[t - 1]);
                }
            }
            for (int i = 0; i < params.size(); i++) {
                assertArrayEquals(uninterrupted[i], params.get(i).value().toArray(), "p" + i);
            }
        }
    }

    @Test
    void loadStateNamesTheMissingTensorAndChangesNothing(@TempDir Path dir) throws Exception {
        try (TensorArena arena = new TensorArena(); Arena readArena = Arena.ofConfined()) {
            List<Parameter> params = syntheticParams(arena);
            try (AdamW opt = new AdamW(params, CONFIG)) {
                StateDict partial = new StateDict("partial.safetensors");
                opt.state().tensors().forEach((k, v) -> {
                    if (!k.equals("exp_avg_sq.p3")) partial.put(k, v);
                });
                opt.state().metadata().forEach(partial::putMetadata);
                var e = assertThrows(FileFormatException.class, () -> opt.loadState(partial));
                assertEquals("partial.safetensors: no tensor 'exp_avg_sq.p3'", e.getMessage());
                assertEquals(0, opt.steps(0));
            }
        }
    }

    @Test
    void parametersWithoutGradientAreNotTouched() {
        try (TensorArena arena = new TensorArena()) {
            Tensor v = arena.copyOf(new float[] {1, 2, 3}, 3);
            Parameter frozen = new Parameter("frozen", Parameter.Kind.WEIGHT, v);
            try (AdamW opt = new AdamW(List.of(frozen), AdamW.Config.of(0.1))) {
                opt.step(1e-2);
                assertArrayEquals(new float[] {1, 2, 3}, v.toArray());
                assertEquals(0, opt.steps(0));
            }
        }
    }

    @Test
    void rejectsHeapTensorsWithAClearMessage() {
        Parameter p = new Parameter("heap", Parameter.Kind.WEIGHT, Tensor.of(new float[4], 4));
        var e = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(p), AdamW.Config.of(0)));
        assertTrue(e.getMessage().contains("'heap'"), e.getMessage());
    }

    /**
     * The first AdamW step of the MAST micro training fixture: weights and gradients from PyTorch in, parameters after
     * one step out (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.05 on every parameter, see meta.json).
     * The gradients are the fixture's own, so the comparison holds everywhere, including the entries whose
     * gradient is float noise (there a step of ±lr is as deterministic as any other, given the same g).
     */
    @Test
    void firstStepOfTheMastMicroFixtureMatchesTorch() throws Exception {
        String dir = "dev/mast/train/optim/micro_T128_grad/";
        try (Arena arena = Arena.ofShared()) {
            StateDict weights = CheckpointFile.read(TestResources.path(dir + "weights.safetensors"), arena);
            StateDict grads = CheckpointFile.read(TestResources.path(dir + "grads.safetensors"), arena);
            StateDict after = CheckpointFile.read(TestResources.path(dir + "params_after_1_step.safetensors"), arena);
            List<Parameter> params = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : weights.tensors().entrySet()) {
                Parameter p = new Parameter(e.getKey(), Parameter.Kind.WEIGHT, e.getValue());
                p.allocateGrad(arena).copyFrom(grads.tensor(e.getKey()));
                params.add(p);
            }
            assertEquals(104, params.size());
            long compared = 0;
            try (AdamW opt = new AdamW(params, AdamW.Config.of(0.05))) {
                opt.step(1e-3);
            }
            for (Parameter p : params) {
                float[] expected = after.tensor(p.name()).toArray();
                assertClose(expected, p.value().toArray(), p.name());
                compared += expected.length;
            }
            assertEquals(981285, compared);
        }
    }
}
