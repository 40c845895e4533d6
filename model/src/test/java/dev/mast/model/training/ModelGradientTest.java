package dev.mast.model.training;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonFields;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.AstConfig;
import dev.mast.model.AstModel;
import dev.mast.model.AudioModel;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.Trainable;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole models through {@link Trainables}: every parameter's gradient and the input gradient against central
 * finite differences of the float64 model ({@link Ref64#mast}, {@link Ref64#ast}); tolerances as in
 * {@link GradCheck}. A two-stage MAST at its configured length (rel-pos tables used as they are) and at a longer one
 * (the time tables resampled, extended mode); a two-block AST at its trained grid, a shorter clip (position
 * embedding cropped) and a longer one (resampled).
 */
class ModelGradientTest {
    static MastModel tinyMast(JavaBackend backend, long seed) {
        MastConfig c = MastConfig.fromJson(JsonFields.of(Json.parse("""
                {"depths": [1, 2], "embed_dim": [16, 32], "num_heads": [1, 2], "patch_kernel": [7, 7],
                 "patch_stride": [4, 4], "patch_padding": [3, 3], "num_classes": 3, "input_fdim": 24,
                 "input_tdim": 20}"""), "config"));
        return new MastModel(c, new GradCheck.Gaussian(seed), backend, RelPosMode.EXTENDED);
    }

    static AstModel tinyAst(JavaBackend backend, long seed) {
        AstConfig c = new AstConfig("test", 16, 2, 2, 4, 3, 3, 2.0, true, 1e-6, 1e-5, 3, 16, 13);
        return new AstModel(c, new GradCheck.Gaussian(seed), backend);
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 36})
    void mast(int frames) {
        try (JavaBackend backend = new JavaBackend(2); MastModel model = tinyMast(backend, 21)) {
            check("MAST T=" + frames, model, frames, 24, p -> x -> Ref64.mast(p, model, x, 2, frames, 24));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 10, 19})
    void ast(int frames) {
        try (JavaBackend backend = new JavaBackend(2); AstModel model = tinyAst(backend, 22)) {
            check("AST T=" + frames, model, frames, 16, p -> x -> Ref64.ast(p, model, x, 2, frames, 16));
        }
    }

    private static void check(String what, AudioModel model, int frames, int bins,
                              Function<Ref64.Params, Function<double[], double[]>> reference) {
        int batch = 2, k = model.numClasses();
        SplittableRandom r = new SplittableRandom(5);
        try (TensorArena arena = new TensorArena(); Trainable t = Trainables.of(model)) {
            Tensor x = GradCheck.random(arena, r, 1, batch, frames, bins);
            Tensor dLogits = GradCheck.random(arena, r, 1, batch, k), logits = arena.allocate(batch, k);
            Tensor dx = arena.allocate(batch, frames, bins);
            t.forwardTrain(x, logits, null);
            t.backward(dLogits, dx);

            List<Parameter> params = t.parameters();
            Ref64.Params p = GradCheck.doubles(params);
            double[] x64 = GradCheck.toDouble(x.toArray());
            Function<double[], double[]> f = reference.apply(p);
            double[] ref = f.apply(x64);
            float[] got = logits.toArray();
            double scale = 0, err = 0;
            for (int i = 0; i < got.length; i++) {
                scale = Math.max(scale, Math.abs(ref[i]));
                err = Math.max(err, Math.abs(got[i] - ref[i]));
            }
            assertTrue(err <= 1e-5 * scale, what + ": float32 logits differ from float64 by " + err / scale);
            float[] rr = dLogits.toArray();
            GradCheck gc = new GradCheck(9, () -> GradCheck.dot(rr, f.apply(x64)));
            List<float[]> grads = new ArrayList<>();
            for (Parameter q : params) grads.add(q.grad().toArray());
            gc.floor(grads);
            for (Parameter q : params) gc.check(q.name(), p.of(q), q.grad().toArray());
            gc.check("input", x64, dx.toArray());
            System.out.printf("%s: logits %.1e, worst gradient error %.1e%n%s", what, err / scale, gc.worst(),
                    gc.report());
        }
    }
}
