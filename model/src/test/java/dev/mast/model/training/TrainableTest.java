package dev.mast.model.training;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.AstModel;
import dev.mast.model.AudioModel;
import dev.mast.model.LoadOptions;
import dev.mast.model.LoadedModel;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.ModelLoader;
import dev.mast.model.RandomInit;
import dev.mast.model.Trainable;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link Trainable} contract: determinism, accumulation, memory reuse, inference after updates, errors. */
class TrainableTest {
    private static Tensor input(TensorArena arena, int batch, int frames, long seed) {
        return GradCheck.random(arena, new SplittableRandom(seed), 1, batch, frames, 128);
    }

    /** Every parameter gradient, then the input gradient, after one forward/backward. */
    private static List<float[]> gradients(AudioModel model, double dropPath, Tensor x, long rngSeed) {
        List<float[]> out = new ArrayList<>();
        try (TensorArena arena = new TensorArena(); Trainable t = Trainables.of(model, dropPath)) {
            Tensor logits = arena.allocate(x.dim(0), t.numClasses());
            Tensor dLogits = GradCheck.random(arena, new SplittableRandom(3), 1, x.dim(0), t.numClasses());
            Tensor dx = arena.allocate(x.shape());
            t.forwardTrain(x, logits, new SplittableRandom(rngSeed));
            t.backward(dLogits, dx);
            out.add(logits.toArray());
            for (Parameter p : t.parameters()) out.add(p.grad().toArray());
            out.add(dx.toArray());
        }
        return out;
    }

    private static void assertBitIdentical(List<float[]> a, List<float[]> b, String what) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), what + ": tensor " + i);
    }

    @Test
    void gradientsAreBitIdenticalForAnyThreadCountAndRun() {
        for (String size : new String[] {"micro", "micro16"}) {
            List<float[]> reference = null;
            for (int threads : new int[] {1, 2, 3, 2}) {
                try (TensorArena arena = new TensorArena(); JavaBackend backend = new JavaBackend(threads);
                     MastModel model = new MastModel(MastConfig.preset(size).withInputSize(128, 64), new RandomInit(4),
                             backend, RelPosMode.EXTENDED)) {
                    List<float[]> g = gradients(model, 0.3, input(arena, 3, 96, 8), 17);
                    if (reference == null) reference = g;
                    else assertBitIdentical(reference, g, size + " on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void astGradientsAreBitIdenticalForAnyThreadCount() {
        List<float[]> reference = null;
        for (int threads : new int[] {1, 3}) {
            try (TensorArena arena = new TensorArena(); JavaBackend backend = new JavaBackend(threads);
                 AstModel model = ModelGradientTest.tinyAst(backend, 5)) {
                List<float[]> g = gradients(model, 0.2, GradCheck.random(arena, new SplittableRandom(2), 1, 3, 19, 16),
                        17);
                if (reference == null) reference = g;
                else assertBitIdentical(reference, g, "AST on " + threads + " threads");
            }
        }
    }

    @Test
    void gradientsAccumulateAndWorkspacesStopGrowing() {
        try (TensorArena arena = new TensorArena(); JavaBackend backend = new JavaBackend(2);
             MastModel model = new MastModel(MastConfig.preset("micro"), new RandomInit(4), backend,
                     RelPosMode.EXTENDED);
             Trainable t = Trainables.of(model)) {
            ModelTrainable mt = (ModelTrainable) t;
            Tensor x = input(arena, 4, 128, 1), logits = arena.allocate(4, 35);
            Tensor dLogits = GradCheck.random(arena, new SplittableRandom(3), 1, 4, 35);
            t.forwardTrain(x, logits, null);
            t.backward(dLogits, null);
            List<float[]> once = new ArrayList<>();
            for (Parameter p : t.parameters()) once.add(p.grad().toArray());
            t.backward(dLogits, null);
            // The second pass adds onto the first (a GEMM adds its K blocks onto C one by one, so the sum is 2g up
            // to float32 rounding of those additions).
            for (int i = 0; i < once.size(); i++) {
                float[] twice = t.parameters().get(i).grad().toArray();
                double tol = 1e-6 * GradCheck.maxAbs(twice);
                for (int j = 0; j < twice.length; j++) assertEquals(2 * once.get(i)[j], twice[j], tol, "accumulated");
            }
            // The first step sized the workspaces (from overflow memory); the next one starts on blocks that fit.
            t.forwardTrain(x, logits, null);
            long saved = mt.ctx.saved.capacityBytes(), scratch = mt.ctx.scratch.capacityBytes();
            long savedHigh = mt.ctx.saved.highWaterBytes(), scratchHigh = mt.ctx.scratch.highWaterBytes();
            assertTrue(saved >= savedHigh && saved > 0 && scratch > 0);
            Tensor smaller = input(arena, 3, 100, 2), smallLogits = arena.allocate(3, 35);
            Tensor smallGrad = GradCheck.random(arena, new SplittableRandom(3), 1, 3, 35);
            for (int step = 0; step < 6; step++) {
                for (Parameter p : t.parameters()) p.grad().fill(0f);
                boolean small = step % 3 == 2;
                t.forwardTrain(small ? smaller : x, small ? smallLogits : logits, null);
                t.backward(small ? smallGrad : dLogits, null);
                assertEquals(saved, mt.ctx.saved.capacityBytes(), "activation memory grew at step " + step);
                assertEquals(scratch, mt.ctx.scratch.capacityBytes(), "scratch memory grew at step " + step);
                assertEquals(savedHigh, mt.ctx.saved.highWaterBytes(), "step " + step);
                assertEquals(scratchHigh, mt.ctx.scratch.highWaterBytes(), "step " + step);
            }
        }
    }

    @Test
    void inferenceSeesUpdatedValuesAfterParametersChanged() {
        try (TensorArena arena = new TensorArena(); JavaBackend backend = new JavaBackend(2);
             MastModel model = new MastModel(MastConfig.preset("micro16"), new RandomInit(6), backend,
                     RelPosMode.EXTENDED);
             Workspace ws = new Workspace();
             Trainable t = Trainables.of(model)) {
            Tensor x = input(arena, 2, 128, 4), trained = arena.allocate(2, 35), inferred = arena.allocate(2, 35);
            model.forward(x, inferred, ws);
            float[] before = inferred.toArray();
            SplittableRandom r = new SplittableRandom(1);
            for (Parameter p : t.parameters()) {
                for (long i = 0; i < p.value().size(); i++) {
                    p.value().setFlat(i, p.value().getFlat(i) + (float) (0.05 * r.nextGaussian()));
                }
            }
            t.parametersChanged();
            t.forwardTrain(x, trained, null);
            model.forward(x, inferred, ws);
            float[] a = trained.toArray(), b = inferred.toArray();
            assertFalse(java.util.Arrays.equals(before, b), "inference must use the new values");
            double scale = GradCheck.maxAbs(a);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 * scale, "logit " + i);
        }
    }

    @Test
    void dropPathDependsOnTheGeneratorAndOffIgnoresIt() {
        try (TensorArena arena = new TensorArena(); JavaBackend backend = new JavaBackend(2);
             MastModel model = new MastModel(MastConfig.preset("micro"), new RandomInit(7), backend,
                     RelPosMode.EXTENDED)) {
            Tensor x = input(arena, 4, 64, 5);
            BiFunction<Double, Long, float[]> logits = (rate, seed) -> {
                try (Trainable t = Trainables.of(model, rate); TensorArena a = new TensorArena()) {
                    Tensor out = a.allocate(4, 35);
                    t.forwardTrain(x, out, seed == null ? null : new SplittableRandom(seed));
                    return out.toArray();
                }
            };
            float[] off = logits.apply(0.0, null);
            assertArrayEquals(off, logits.apply(0.0, 1L), "rate 0 never draws");
            assertArrayEquals(logits.apply(0.4, 1L), logits.apply(0.4, 1L), "same seed, same masks");
            assertNotEquals(java.util.Arrays.toString(logits.apply(0.4, 1L)),
                    java.util.Arrays.toString(logits.apply(0.4, 2L)));
            var e = assertThrows(IllegalArgumentException.class, () -> logits.apply(0.4, null));
            assertTrue(e.getMessage().contains("random generator"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Trainables.of(model, 1.0));
        }
    }

    @Test
    void misuseFailsWithClearMessages() throws Exception {
        try (TensorArena arena = new TensorArena(); JavaBackend backend = new JavaBackend(1);
             MastModel model = new MastModel(MastConfig.preset("micro"), new RandomInit(8), backend,
                     RelPosMode.EXTENDED)) {
            try (Trainable t = Trainables.of(model)) {
                var e = assertThrows(IllegalStateException.class,
                        () -> t.backward(arena.allocate(2, 35), null));
                assertTrue(e.getMessage().contains("forwardTrain"), e.getMessage());
                assertThrows(ShapeMismatchException.class,
                        () -> t.forwardTrain(arena.allocate(2, 64, 100), arena.allocate(2, 35), null));
                assertThrows(ShapeMismatchException.class,
                        () -> t.forwardTrain(input(arena, 2, 64, 1), arena.allocate(3, 35), null));
                t.forwardTrain(input(arena, 2, 64, 1), arena.allocate(2, 35), null);
                assertThrows(ShapeMismatchException.class, () -> t.backward(arena.allocate(2, 35),
                        arena.allocate(2, 65, 128)));
                var twice = assertThrows(IllegalStateException.class, () -> Trainables.of(model));
                assertTrue(twice.getMessage().contains("already has a gradient"), twice.getMessage());
            }
            try (Trainable again = Trainables.of(model)) {
                assertEquals(35, again.numClasses());
            }
        }
        Path weights;
        try {
            weights = Path.of(TrainableTest.class.getResource("/fixtures/mast/micro_T128/weights.safetensors").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (JavaBackend backend = new JavaBackend(1);
             LoadedModel mapped = ModelLoader.load(weights, backend, LoadOptions.defaults())) {
            var e = assertThrows(IllegalArgumentException.class, () -> Trainables.of(mapped.model()));
            assertTrue(e.getMessage().contains("withCopyParameters"), e.getMessage());
        }
    }
}
