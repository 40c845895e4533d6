package dev.mast.train;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.LoadOptions;
import dev.mast.model.LoadedModel;
import dev.mast.model.ModelLoader;
import dev.mast.model.Trainable;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import dev.mast.model.training.Trainables;
import dev.mast.train.checkpoint.CheckpointFile;
import dev.mast.train.checkpoint.StateDict;
import dev.mast.train.loss.CrossEntropyLoss;
import dev.mast.train.optim.AdamW;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAST training passes against the PyTorch training fixtures (micro with MViTv2's 7×7 stem and micro16 with LAPE's
 * 16×16 stem, B = 2, T = 128, 5 classes, cross-entropy): logits, loss, the gradient of every parameter and of the
 * input, then AdamW (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.05 on every parameter) for one and three
 * steps on the same batch, with our gradients recomputed at every step. See the fixtures' meta.json.
 */
class TrainableParityTest {
    private static final String ROOT = "dev/mast/train/optim/";
    /** The bound: each gradient within 1e-4 of the tensor's largest magnitude. */
    private static final double GRAD_TOL = 1e-4;
    /**
     * Gradients that are exactly zero by symmetry (norm_k.bias: a constant added to every key of a row leaves the
     * softmax unchanged); the float64 reference's largest entry is 1e-17. float32 leaves the noise of the terms that
     * cancel (the fixture's own float32 run: 1.1e-8, against gradient scales of order 0.1 to 1).
     */
    private static final double ZERO_BY_SYMMETRY = 1e-10;
    private static final double SYMMETRY_NOISE_TOL = 1e-6;
    private static final double LR = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"micro_T128_grad", "micro16_T128_grad"})
    void gradientsAndAdamWStepsMatchPyTorch(String fixture) throws Exception {
        Path dir = TestResources.path(ROOT + fixture);
        Map<?, ?> meta = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("meta.json")));
        Map<?, ?> perTensor = (Map<?, ?>) ((Map<?, ?>) meta.get("f32_vs_f64")).get(
                "grads_per_tensor [max_abs_diff, max_abs_f64]");
        List<?> lossBefore = (List<?>) meta.get("loss_before_step");
        List<?> lossBefore64 = (List<?>) meta.get("loss_before_step_f64");
        // After a step the reference's own float32 and float64 runs part (noise-driven Adam steps): our values must
        // lie within twice that spread of the float32 reference.
        double paramSpread = ((Number) ((Map<?, ?>) ((Map<?, ?>) meta.get("adamw_noise_by_step1_grad"))
                .get("|g1|<1e-06")).get("max_abs_diff_params_after_3_steps_elsewhere")).doubleValue();
        int[] labels = toInts(Npy.readLongs(dir.resolve("labels.npy")));
        try (JavaBackend backend = new JavaBackend(2);
             LoadedModel loaded = ModelLoader.load(dir.resolve("weights.safetensors"), backend,
                     LoadOptions.defaults().withCopyParameters(true));
             Trainable trainable = Trainables.of(loaded.model());
             TensorArena arena = new TensorArena();
             Arena files = Arena.ofShared()) {
            StateDict grads = CheckpointFile.read(dir.resolve("grads.safetensors"), files);
            NpyArray inputFile = Npy.read(dir.resolve("input.npy"));
            Tensor input = inputFile.toTensor(arena);
            Tensor logits = arena.allocate(input.dim(0), trainable.numClasses());
            Tensor dLogits = arena.allocate(input.dim(0), trainable.numClasses());
            Tensor inputGrad = arena.allocate(input.shape());
            CrossEntropyLoss ce = new CrossEntropyLoss(0);
            List<Parameter> params = trainable.parameters();
            assertEquals(104, params.size());

            // Step 1: logits, loss and every gradient.
            trainable.forwardTrain(input, logits, null);
            assertWithin(fixture + " logits", Npy.read(dir.resolve("logits.npy")).data(), logits.toArray(), 1e-4);
            double loss = ce.backward(logits, labels, dLogits);
            double expectedLoss = Npy.read(dir.resolve("loss.npy")).data()[0];
            assertEquals(expectedLoss, loss, 1e-5 * Math.abs(expectedLoss), fixture + " loss");
            trainable.backward(dLogits, inputGrad);
            double worst = 0;
            String worstName = "";
            for (Parameter p : params) {
                float[] expected = grads.tensor(p.name()).toArray();
                float[] actual = p.grad().toArray();
                double f64Scale = ((Number) ((List<?>) perTensor.get(p.name())).get(1)).doubleValue();
                if (f64Scale < ZERO_BY_SYMMETRY) {
                    assertTrue(maxAbs(actual) <= SYMMETRY_NOISE_TOL, fixture + " " + p.name()
                            + " is zero by symmetry but got " + maxAbs(actual));
                    continue;
                }
                double rel = maxAbsDiff(expected, actual) / maxAbs(expected);
                if (rel > worst) {
                    worst = rel;
                    worstName = p.name();
                }
                assertTrue(rel <= GRAD_TOL, fixture + " gradient of " + p.name() + ": max |diff| / max |g| = " + rel);
            }
            float[] expectedInputGrad = Npy.read(dir.resolve("input_grad.npy")).data();
            double inputRel = maxAbsDiff(expectedInputGrad, inputGrad.toArray()) / maxAbs(expectedInputGrad);
            assertTrue(inputRel <= GRAD_TOL, fixture + " input gradient: relative error " + inputRel);
            System.out.printf(Locale.ROOT, "%s: loss %.9f (torch %.9f), worst parameter gradient %.2e (%s),"
                    + " input gradient %.2e%n", fixture, loss, expectedLoss, worst, worstName, inputRel);

            // AdamW on our gradients: step 1 against params_after_1_step, then two more steps on the same batch.
            Map<String, float[]> firstGrads = new HashMap<>();
            for (Parameter p : params) firstGrads.put(p.name(), grads.tensor(p.name()).toArray());
            try (AdamW opt = new AdamW(params, AdamW.Config.of(0.05))) {
                opt.step(LR);
                trainable.parametersChanged();
                compareParameters(fixture, dir.resolve("params_after_1_step.safetensors"), params, firstGrads, files,
                        1e-6);
                for (int step = 2; step <= 3; step++) {
                    for (Parameter p : params) p.grad().fill(0f);
                    trainable.forwardTrain(input, logits, null);
                    double l = ce.backward(logits, labels, dLogits);
                    double ref = ((Number) lossBefore.get(step - 1)).doubleValue();
                    double ref64 = ((Number) lossBefore64.get(step - 1)).doubleValue();
                    assertEquals(ref, l, Math.max(1e-5 * ref, 2 * Math.abs(ref - ref64)),
                            fixture + " loss before step " + step);
                    trainable.backward(dLogits, null);
                    opt.step(LR);
                    trainable.parametersChanged();
                }
            }
            compareParameters(fixture, dir.resolve("params_after_3_steps.safetensors"), params, firstGrads, files,
                    Math.max(1e-6, 2 * paramSpread));
            trainable.forwardTrain(input, logits, null);
            double after = ce.forward(logits, labels);
            double refAfter = ((Number) meta.get("loss_after_3_steps")).doubleValue();
            double refAfter64 = ((Number) meta.get("loss_after_3_steps_f64")).doubleValue();
            assertEquals(refAfter, after, Math.max(1e-5 * refAfter, 2 * Math.abs(refAfter - refAfter64)),
                    fixture + " loss after three steps");
        }
    }

    /**
     * Parameters after AdamW steps against PyTorch's. Where the first step's gradient is noise around zero
     * (|g| < 1e-6, see the fixtures README) Adam moves by about ±lr in a direction float noise picks, so there the
     * bound is what three Adam steps can move an entry; elsewhere within {@code tol}.
     */
    private static void compareParameters(String fixture, Path file, List<Parameter> params,
                                          Map<String, float[]> firstGrads, Arena arena, double tol) throws Exception {
        StateDict expected = CheckpointFile.read(file, arena);
        double worst = 0;
        long compared = 0;
        for (Parameter p : params) {
            float[] want = expected.tensor(p.name()).toArray(), got = p.value().toArray();
            float[] g = firstGrads.get(p.name());
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs((double) want[i] - got[i]);
                if (Math.abs(g[i]) > 1e-6) {
                    worst = Math.max(worst, d);
                    compared++;
                    assertTrue(d <= tol, fixture + " " + file.getFileName() + " " + p.name() + "[" + i + "]: |diff| "
                            + d);
                } else {
                    assertTrue(d <= 3 * LR * 1.01, fixture + " " + p.name() + "[" + i + "] (noise gradient): |diff| " + d);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s %s: %d entries with |g| > 1e-6, max |diff| %.2e%n", fixture,
                file.getFileName(), compared, worst);
    }

    private static void assertWithin(String what, float[] expected, float[] actual, double relTol) {
        double rel = maxAbsDiff(expected, actual) / maxAbs(expected);
        assertTrue(rel <= relTol, what + ": relative error " + rel);
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.toIntExact(v[i]);
        return out;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
