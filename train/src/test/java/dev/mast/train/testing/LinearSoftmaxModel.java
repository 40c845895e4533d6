package dev.mast.train.testing;

import dev.mast.engine.io.SafetensorsWriter;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.ModelInfo;
import dev.mast.model.Trainable;
import dev.mast.model.layer.Parameter;
import dev.mast.train.TrainingModel;
import dev.mast.train.TrainingModelFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * Test-only model for the training loop: a linear softmax classifier over time-averaged features,
 * {@code logits[b, k] = Σ_f W[k, f] · mean_t x[b, t, f] + bias[k]}, with its exact backward pass. Small enough
 * that a loop test takes a second, yet a real learner: the loss of a separable data set falls towards zero.
 */
public final class LinearSoftmaxModel implements TrainingModel, Trainable {
    private final int bins, classes;
    private final TensorArena arena = new TensorArena();
    private final Parameter weight, bias;
    private final IntConsumer beforeStep;
    private float[] pooled;
    private int batch, frames, steps;

    /**
     * @param beforeStep called with the 1-based number of each {@link #forwardTrain} call before it runs (a test's
     *                   way to interrupt a run at a chosen step)
     */
    public LinearSoftmaxModel(int bins, int classes, long seed, IntConsumer beforeStep) {
        this.bins = bins;
        this.classes = classes;
        this.beforeStep = beforeStep;
        weight = new Parameter("head.weight", Parameter.Kind.WEIGHT, arena.allocate(classes, bins));
        bias = new Parameter("head.bias", Parameter.Kind.BIAS, arena.allocate(classes));
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < weight.value().size(); i++) weight.value().setFlat(i, (float) (0.02 * r.nextGaussian()));
        weight.allocateGrad(arena.arena());
        bias.allocateGrad(arena.arena());
    }

    /** A factory building this model for the loop (the spec's name and stem are ignored). */
    public static TrainingModelFactory factory(IntConsumer beforeStep) {
        return spec -> new LinearSoftmaxModel(spec.bins(), spec.classes(), spec.initSeed(), beforeStep);
    }

    public static TrainingModelFactory factory() {
        return factory(step -> { });
    }

    @Override
    public Trainable trainable() {
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public void forwardTrain(Tensor input, Tensor logits, RandomGenerator rng) {
        beforeStep.accept(++steps);
        batch = input.dim(0);
        frames = input.dim(1);
        pooled = pool(input);
        logits.copyFrom(logits(pooled, batch));
    }

    @Override
    public void backward(Tensor logitsGrad, Tensor inputGrad) {
        float[] dl = logitsGrad.toArray(), w = weight.value().toArray();
        float[] dw = weight.grad().toArray(), db = bias.grad().toArray();
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < classes; k++) {
                float g = dl[b * classes + k];
                db[k] += g;
                for (int f = 0; f < bins; f++) dw[k * bins + f] += g * pooled[b * bins + f];
            }
        }
        weight.grad().copyFrom(dw);
        bias.grad().copyFrom(db);
        if (inputGrad != null) {
            float[] dx = new float[batch * frames * bins];
            for (int b = 0; b < batch; b++) {
                for (int f = 0; f < bins; f++) {
                    float s = 0;
                    for (int k = 0; k < classes; k++) s += dl[b * classes + k] * w[k * bins + f];
                    for (int t = 0; t < frames; t++) dx[(b * frames + t) * bins + f] = s / frames;
                }
            }
            inputGrad.copyFrom(dx);
        }
    }

    @Override
    public void parametersChanged() {
        // nothing is prepared from the parameters: forward reads them directly
    }

    @Override
    public void predict(Tensor input, Tensor logits) {
        logits.copyFrom(logits(pool(input), input.dim(0)));
    }

    private float[] pool(Tensor input) {
        int b = input.dim(0), t = input.dim(1);
        float[] x = input.toArray(), out = new float[b * bins];
        for (int i = 0; i < b; i++) {
            for (int f = 0; f < bins; f++) {
                double s = 0;
                for (int j = 0; j < t; j++) s += x[(i * t + j) * bins + f];
                out[i * bins + f] = (float) (s / t);
            }
        }
        return out;
    }

    private float[] logits(float[] p, int b) {
        float[] w = weight.value().toArray(), c = bias.value().toArray(), out = new float[b * classes];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < classes; k++) {
                float s = c[k];
                for (int f = 0; f < bins; f++) s += w[k * bins + f] * p[i * bins + f];
                out[i * classes + k] = s;
            }
        }
        return out;
    }

    @Override
    public void save(Path file, ModelInfo info) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters()) tensors.put(p.name(), p.value());
        Map<String, String> meta = new LinkedHashMap<>(); // ordered: the file's bytes must not vary between JVMs
        meta.put("format", "test-linear-softmax");
        meta.put("labels", String.join(",", info.labels()));
        SafetensorsWriter.write(file, tensors, meta);
    }

    @Override
    public String description() {
        return "linear softmax over time-averaged features (" + classes + " classes)";
    }

    @Override
    public void close() {
        arena.close();
    }
}
