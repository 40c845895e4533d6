package dev.mast.train;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.ModelInfo;
import dev.mast.model.Trainable;
import dev.mast.model.layer.Parameter;
import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.checkpoint.CheckpointFile;
import dev.mast.train.checkpoint.RunFolder;
import dev.mast.train.checkpoint.StateDict;
import dev.mast.train.checkpoint.TrainingCheckpoint;
import dev.mast.train.data.BatchPipeline;
import dev.mast.train.data.Split;
import dev.mast.train.features.EvaluationExamples;
import dev.mast.train.loss.BceWithLogitsLoss;
import dev.mast.train.loss.CrossEntropyLoss;
import dev.mast.train.loss.Loss;
import dev.mast.train.optim.CosineWarmupSchedule;
import dev.mast.train.optim.LearningRateSchedule;
import dev.mast.train.random.RandomStream;
import dev.mast.train.random.SampleKey;
import dev.mast.train.report.ProgressBar;
import dev.mast.train.report.TrainingHistory;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The supervised training loop. Per epoch: the training clips in the epoch's seeded order, augmented and batched by
 * the {@link BatchPipeline} on worker threads; per batch one {@link TrainingStep} (forward, loss, backward, clipping,
 * AdamW at the cosine-with-warm-up learning rate); then validation, the history and curves, the model file
 * {@code model.safetensors} when validation accuracy improved, and a resumable checkpoint. Checkpoints are also
 * written every {@link TrainSettings#checkpointEvery()} steps. At the end the best model is evaluated on the test
 * split and the run's reports are written ({@link RunReport}).
 *
 * <p><b>Reproducibility.</b> Every random draw derives from the seed and counters ({@code dev.mast.train.random}),
 * the pipeline's batches do not depend on its threads, and the optimiser, clipping and losses are deterministic; so
 * the same settings, data and thread count give the same run bit for bit, and a run resumed from any checkpoint
 * (even after {@code kill -9}) ends exactly as the uninterrupted run would have.
 */
public final class Trainer {
    private final TrainSettings settings;
    private final TrainingData data;
    private final TrainingModel model;
    private final EnginePool pool;
    private final RunFolder run;
    private final PrintStream out;
    private final ProgressBar bar;

    /**
     * @param pool the model's compute threads, also used by the optimiser
     * @param out  where progress and results are printed
     * @param bar  the progress display (on {@code out})
     */
    public Trainer(TrainSettings settings, TrainingData data, TrainingModel model, EnginePool pool, RunFolder run,
                   PrintStream out, ProgressBar bar) {
        this.settings = settings;
        this.data = data;
        this.model = model;
        this.pool = pool;
        this.run = run;
        this.out = out;
        this.bar = bar;
    }

    /** Trains from scratch, or from the run folder's checkpoint when {@code resume}; returns the final figures. */
    public RunResult run(boolean resume) throws IOException {
        OptimSettings o = settings.optim();
        boolean bce = o.loss().equals("bce");
        Loss trainLoss = bce ? new BceWithLogitsLoss() : new CrossEntropyLoss(o.labelSmoothing());
        Loss evalLoss = bce ? new BceWithLogitsLoss() : new CrossEntropyLoss(0);
        Trainable trainable = model.trainable();
        ExampleAugmenter augmenter = new ExampleAugmenter(settings.augment(), data.noises(), data.clips(Split.TRAIN),
                data.frontEnd(), data.normalization());
        int clips = data.clips(Split.TRAIN).size();
        try (TrainingStep step = new TrainingStep(trainable, trainLoss, TrainDefaults.adamW(o.weightDecay()),
                o.clipNorm(), pool);
             BatchPipeline train = BatchPipeline.training(augmenter, clips, settings.seed(), o.batch(),
                     settings.dataThreads(), TrainDefaults.PREFETCH);
             BatchPipeline validation = evaluation(Split.VALIDATION);
             TensorArena arena = new TensorArena()) {
            int perEpoch = train.batchesPerEpoch();
            long totalSteps = (long) o.epochs() * perEpoch;
            long warmup = Math.min(Math.round(o.warmupEpochs() * perEpoch), totalSteps - 1);
            LearningRateSchedule schedule = new CosineWarmupSchedule(o.lr(), o.minLr(), warmup, totalSteps);

            TrainingCheckpoint.Progress at;
            LoopState state;
            if (resume) {
                TrainingCheckpoint.Restored r = TrainingCheckpoint.load(run.checkpoint(), trainable.parameters(),
                        step.optimizer());
                trainable.parametersChanged();
                at = r.progress();
                state = LoopState.fromExtras(r.extra(), run.checkpoint().toString());
                checkResumable(at, state);
                String note = String.format(Locale.ROOT, "resumed at epoch %d, batch %d of %d (step %d)",
                        at.epoch() + 1, at.batchInEpoch(), perEpoch, at.globalStep());
                out.println(note);
                log(note);
            } else {
                at = new TrainingCheckpoint.Progress(settings.seed(), 0, 0, 0);
                state = LoopState.fresh(data.fingerprint());
            }

            Map<Integer, Tensor[]> inputs = new HashMap<>();
            long globalStep = at.globalStep();
            for (int epoch = at.epoch(); epoch < o.epochs(); epoch++) {
                int first = epoch == at.epoch() ? at.batchInEpoch() : 0;
                long epochStart = System.nanoTime();
                long waitNanos = 0, clipsNow = 0;
                double lr = Double.NaN;
                bar.start(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, o.epochs()), perEpoch - first);
                try (BatchPipeline.Epoch batches = train.epoch(epoch, first)) {
                    for (int index = first; batches.hasNext(); ) {
                        long w0 = System.nanoTime();
                        BatchPipeline.Batch b = batches.next();
                        waitNanos += System.nanoTime() - w0;
                        Tensor[] io = inputs.computeIfAbsent(b.size(), n -> new Tensor[] {
                                arena.allocate(n, b.frames(), b.bins()), arena.allocate(n, b.targets().length / n)});
                        io[0].copyFrom(b.features());
                        io[1].copyFrom(b.targets());
                        lr = schedule.learningRate(globalStep, epoch);
                        TrainingStep.Result r = step.run(io[0], io[1], lr,
                                new SampleKey(settings.seed(), 0, globalStep).generator(RandomStream.MODEL));
                        state.addStep(r.loss(), correct(step.logits(), b), b.size());
                        globalStep++;
                        index++;
                        clipsNow += b.size();
                        bar.update(index - first, clipsNow, state.epochLoss(), state.epochAccuracy());
                        if (settings.checkpointEvery() > 0 && globalStep % settings.checkpointEvery() == 0
                                && index < perEpoch) {
                            double seconds = (System.nanoTime() - epochStart) / 1e9;
                            state.setEpochSeconds(state.epochSecondsBefore() + seconds);
                            state.addTime(seconds, waitNanos / 1e9);
                            epochStart = System.nanoTime();
                            waitNanos = 0;
                            checkpoint(step, new TrainingCheckpoint.Progress(settings.seed(), epoch, index, globalStep),
                                    state);
                        }
                    }
                }
                Evaluation val = validation == null ? null
                        : Evaluator.run(model::predict, validation, data.classes(), evalLoss, null, "");
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                state.addTime(seconds, waitNanos / 1e9);
                double valAccuracy = val == null ? Double.NaN : val.accuracy();
                TrainingHistory.Epoch e = new TrainingHistory.Epoch(epoch + 1, state.epochLoss(),
                        state.epochAccuracy(), val == null ? Double.NaN : val.loss(), valAccuracy, lr,
                        state.epochSecondsBefore() + seconds);
                boolean best = state.isBest(valAccuracy);
                if (best) {
                    state.setBest(valAccuracy, epoch + 1);
                    model.save(run.model(), new ModelInfo(data.classes(), data.frontendSettings()));
                }
                String suffix = val == null ? "" : String.format(Locale.ROOT, "| val loss %.4f acc %.1f%%%s",
                        val.loss(), 100 * valAccuracy, best ? " (best)" : "");
                bar.finish(perEpoch - first, clipsNow, e.trainLoss(), e.trainAccuracy(), suffix);
                state.endEpoch(e);
                log(epochLine(e, o.epochs(), best));
                RunReport.writeHistory(run, state.history(), model.description());
                checkpoint(step, new TrainingCheckpoint.Progress(settings.seed(), epoch + 1, 0, globalStep), state);
            }
            return finish(evalLoss, state, globalStep);
        }
    }

    /** An evaluation pipeline over {@code split}, or null when the split is empty. */
    private BatchPipeline evaluation(Split split) {
        EvaluationExamples ex = new EvaluationExamples(data.clips(split), data.frontEnd(), data.normalization());
        if (ex.size() == 0) return null;
        return new BatchPipeline(ex, ex.size(), settings.optim().batch(), settings.dataThreads(), TrainDefaults.PREFETCH);
    }

    private void checkResumable(TrainingCheckpoint.Progress at, LoopState state) throws IOException {
        if (at.seed() != settings.seed()) {
            throw new IOException(run.checkpoint() + ": was written with seed " + at.seed() + ", run.json says "
                    + settings.seed());
        }
        if (!state.dataFingerprint().equals(data.fingerprint())) {
            throw new IOException(settings.data().data() + ": the data set's clip lists differ from those the run "
                    + "started with; resuming would not continue the same run");
        }
    }

    private void checkpoint(TrainingStep step, TrainingCheckpoint.Progress at, LoopState state) throws IOException {
        TrainingCheckpoint.save(run.checkpoint(), model.trainable().parameters(), step.optimizer(), at,
                state.toExtras());
    }

    /** Test evaluation of the best model and the final reports. */
    private RunResult finish(Loss evalLoss, LoopState state, long steps) throws IOException {
        Evaluation test = null;
        try (BatchPipeline testSet = evaluation(Split.TEST)) {
            if (testSet != null) {
                if (Files.isRegularFile(run.model())) loadParameters(run.model());
                test = Evaluator.run(model::predict, testSet, data.classes(), evalLoss, bar, "test");
            }
        }
        RunResult result = new RunResult(state.history(), state.bestEpoch(), state.bestAccuracy(), test, steps,
                state.trainSeconds(), state.dataWaitSeconds());
        String summary = RunReport.writeFinal(run, result, settings, data, model.description());
        out.print(summary);
        log(summary);
        return result;
    }

    /** Loads the saved model file's values into the model's parameters (names and shapes must match). */
    private void loadParameters(Path file) throws IOException {
        Trainable t = model.trainable();
        try (Arena arena = Arena.ofConfined()) {
            StateDict saved = CheckpointFile.read(file, arena);
            List<Parameter> params = t.parameters();
            for (Parameter p : params) p.value().copyFrom(saved.tensor(p.name(), p.value().shape()));
        }
        t.parametersChanged();
    }

    /** How many rows of the step's logits pick the largest entry of their target row. */
    private static int correct(Tensor logits, BatchPipeline.Batch b) {
        float[] z = logits.toArray();
        int k = z.length / b.size(), hits = 0;
        for (int i = 0; i < b.size(); i++) {
            if (Evaluator.argmax(z, i * k, k) == Evaluator.argmax(b.targets(), i * k, k)) hits++;
        }
        return hits;
    }

    private static String epochLine(TrainingHistory.Epoch e, int epochs, boolean best) {
        return String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.1f%%, val loss %.4f acc %.1f%%%s,"
                        + " lr %.3g, %.1f s", e.epoch(), epochs, e.trainLoss(), 100 * e.trainAccuracy(),
                e.validationLoss(), 100 * e.validationAccuracy(), best ? " (best)" : "", e.learningRate(), e.seconds());
    }

    /** Appends lines to the run's {@code train.log} (a log, not replaced atomically). */
    private void log(String text) throws IOException {
        Files.writeString(run.log(), text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
