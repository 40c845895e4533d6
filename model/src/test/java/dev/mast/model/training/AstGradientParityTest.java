package dev.mast.model.training;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.Safetensors;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.LoadOptions;
import dev.mast.model.LoadedModel;
import dev.mast.model.ModelLoader;
import dev.mast.model.Trainable;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AST gradients against PyTorch autograd (fixtures/ast/make_ast_fixture.py, backward case): mean cross-entropy of a
 * labelled batch at the trained length (128 frames), a shorter clip (position embedding centre-cropped) and a longer
 * one (resampled); every parameter's gradient and the input gradient within 1e-4 of the tensor's largest magnitude
 * (the bound; PyTorch's own float32 run is within 1.1e-6 of float64, see grad_meta.json).
 */
class AstGradientParityTest {
    private static final double TOL = 1e-4;

    private static Path dir() {
        try {
            return Path.of(AstGradientParityTest.class.getResource("/fixtures/ast").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 100, 200})
    void gradientsMatchPyTorch(int frames) throws Exception {
        Path dir = dir();
        Map<?, ?> meta = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(dir.resolve("grad_meta.json"))))
                .get("T" + frames);
        try (JavaBackend backend = new JavaBackend(2);
             LoadedModel loaded = ModelLoader.load(dir.resolve("weights.safetensors"), backend,
                     LoadOptions.defaults().withCopyParameters(true));
             Trainable trainable = Trainables.of(loaded.model());
             TensorArena arena = new TensorArena();
             Safetensors grads = Safetensors.open(dir.resolve("grads_T" + frames + ".safetensors"))) {
            Tensor x = Npy.read(dir.resolve("grad_input_T" + frames + ".npy")).toTensor(arena);
            long[] labels = Npy.readLongs(dir.resolve("labels_T" + frames + ".npy"));
            int k = trainable.numClasses(), batch = x.dim(0);
            Tensor logits = arena.allocate(batch, k), dLogits = arena.allocate(batch, k);
            Tensor dx = arena.allocate(x.shape());
            trainable.forwardTrain(x, logits, null);
            double loss = crossEntropy(logits.toArray(), labels, k, dLogits);
            double expectedLoss = Npy.read(dir.resolve("loss_T" + frames + ".npy")).data()[0];
            assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, "loss");
            trainable.backward(dLogits, dx);

            List<Parameter> params = trainable.parameters();
            assertEquals(grads.names().size(), params.size(), "PyTorch's gradients cover every parameter");
            double worst = 0;
            for (Parameter p : params) {
                float[] expected = grads.tensor(p.name()).toArray();
                double rel = maxAbsDiff(expected, p.grad().toArray()) / GradCheck.maxAbs(expected);
                worst = Math.max(worst, rel);
                assertTrue(rel <= TOL, p.name() + ": relative error " + rel);
            }
            float[] expectedDx = Npy.read(dir.resolve("input_grad_T" + frames + ".npy")).data();
            double inputRel = maxAbsDiff(expectedDx, dx.toArray()) / GradCheck.maxAbs(expectedDx);
            assertTrue(inputRel <= TOL, "input gradient: relative error " + inputRel);
            System.out.printf(Locale.ROOT, "AST T=%d: loss %.7f (torch %.7f, float64 %s), worst parameter gradient"
                    + " %.1e, input gradient %.1e%n", frames, loss, expectedLoss, ((List<?>) meta.get("loss")).get(1),
                    worst, inputRel);
        }
    }

    /** Mean cross-entropy of logits [B, K] (in double); writes its gradient (softmax − one-hot)/B. */
    private static double crossEntropy(float[] logits, long[] labels, int k, Tensor dLogits) {
        int batch = labels.length;
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < k; j++) max = Math.max(max, logits[b * k + j]);
            for (int j = 0; j < k; j++) sum += Math.exp(logits[b * k + j] - max);
            loss += (max + Math.log(sum) - logits[b * k + (int) labels[b]]) / batch;
            for (int j = 0; j < k; j++) {
                double pj = Math.exp(logits[b * k + j] - max) / sum;
                dLogits.set((float) ((pj - (j == labels[b] ? 1 : 0)) / batch), b, j);
            }
        }
        return loss;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
