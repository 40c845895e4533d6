package dev.mast.bench;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.train.AudioTrainingModel;
import dev.mast.train.ModelSpec;
import dev.mast.train.TrainDefaults;
import dev.mast.train.TrainingModel;
import dev.mast.train.TrainingStep;
import dev.mast.train.loss.CrossEntropyLoss;
import dev.mast.train.random.RandomStream;
import dev.mast.train.random.SampleKey;

import java.util.SplittableRandom;

/**
 * One training-step scenario: a freshly initialised model of a named size ({@link AudioTrainingModel}, the model
 * {@code mast train} trains), a random spectrogram batch with random labels, and the training loop's own
 * {@link TrainingStep} (forward, cross-entropy with label smoothing, backward, gradient clipping, AdamW).
 */
final class TrainStepSetup implements AutoCloseable {
    private final EnginePool pool;
    private final TrainingModel model;
    private final TrainingStep step;
    private final TensorArena arena = new TensorArena();
    private final Tensor input, targets;
    private long steps;

    TrainStepSetup(String size, int stem, int frames, int batch, int classes, int threads) {
        this.pool = new EnginePool(threads);
        try {
            this.model = AudioTrainingModel.create(new ModelSpec(size, stem, frames, 128, classes, 42, pool, 0));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.step = new TrainingStep(model.trainable(), new CrossEntropyLoss(TrainDefaults.LABEL_SMOOTHING),
                TrainDefaults.adamW(TrainDefaults.WEIGHT_DECAY), TrainDefaults.CLIP_NORM, pool);
        this.input = arena.allocate(batch, frames, 128);
        this.targets = arena.allocate(batch, classes);
        SplittableRandom rng = new SplittableRandom(7);
        for (long i = 0; i < input.size(); i++) input.setFlat(i, (float) rng.nextGaussian());
        for (int b = 0; b < batch; b++) targets.set(1f, b, rng.nextInt(classes));
    }

    /** One full step; returns the loss. */
    double run() {
        return step.run(input, targets, 1e-4, new SampleKey(1, 0, steps++).generator(RandomStream.MODEL)).loss();
    }

    @Override
    public void close() {
        step.close();
        arena.close();
        model.close();
        pool.close();
    }
}
