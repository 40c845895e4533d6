package dev.mast.train;

import dev.mast.engine.io.AtomicFile;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.train.checkpoint.RunFolder;
import dev.mast.train.checkpoint.RunFolderException;
import dev.mast.train.random.RandomStream;
import dev.mast.train.random.SampleKey;
import dev.mast.train.report.ProgressBar;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Sets up and runs a training run in a run folder: lists the data, computes the normalisation if needed, writes
 * {@code run.json}, builds the model and hands over to the {@link Trainer}. {@link #resume} rebuilds everything from
 * {@code run.json} and continues from the checkpoint.
 */
public final class TrainingRun {
    private final TrainingModelFactory factory;
    private final PrintStream out;
    private final ProgressBar bar;

    /**
     * @param factory builds the model ({@link AudioTrainingModel#create} for MAST and AST)
     * @param out     where the run reports what it does
     * @param bar     progress display on {@code out}
     */
    public TrainingRun(TrainingModelFactory factory, PrintStream out, ProgressBar bar) {
        this.factory = factory;
        this.out = out;
        this.bar = bar;
    }

    /** Starts a new run with {@code settings} in {@code dir} (created; must not hold a run already). */
    public RunResult start(TrainSettings settings, Path dir) throws IOException {
        RunFolder.requireNew(dir);
        return train(settings, () -> RunFolder.create(dir), false);
    }

    /**
     * Continues the run in {@code dir} from its checkpoint, with the settings of its {@code run.json} (a run stopped
     * before its first checkpoint starts again from the beginning).
     *
     * @param threads compute threads, or 0 to keep the run's (a different count may change the results' last bits)
     * @param data    the data set folder if it moved, or null
     */
    public RunResult resume(Path dir, int threads, Path data) throws IOException {
        if (!Files.isDirectory(dir)) throw new RunFolderException(dir, "no such folder");
        Path json = dir.resolve("run.json");
        String text;
        try {
            text = Files.readString(json);
        } catch (NoSuchFileException e) {
            throw new RunFolderException(dir, "has no run.json: not a training run folder");
        }
        TrainSettings s = TrainSettings.parse(text, json.toString());
        if (threads > 0) s = s.withThreads(threads, s.dataThreads());
        if (data != null) s = s.withData(s.data().withData(data));
        boolean fromCheckpoint = Files.isRegularFile(dir.resolve("checkpoint.safetensors"));
        if (!fromCheckpoint) out.println("no checkpoint yet in " + dir + ": starting the run from the beginning");
        return train(s, () -> fromCheckpoint ? RunFolder.resume(dir) : RunFolder.create(dir), fromCheckpoint);
    }

    /** Opens the run folder once everything else is ready, so that a failed preparation leaves no folder behind. */
    @FunctionalInterface
    private interface FolderOpener {
        RunFolder open() throws IOException;
    }

    private RunResult train(TrainSettings settings, FolderOpener folder, boolean resume) throws IOException {
        // the statistics pass runs before training, so it may use every thread (its result does not depend on them)
        TrainingData data = TrainingData.load(settings.data(), settings.augment().backgroundProbability() > 0,
                Math.max(settings.threads(), settings.dataThreads()), out);
        TrainSettings s = settings.withData(data.settings());
        out.println(data.dataset().summary());
        out.printf(Locale.ROOT, "input: %s fbank, %d frames x %d bins, normalised (x - %.5f) / %.5f%n",
                data.frontEnd().kindName(), data.frontEnd().frames(), data.frontEnd().bins(), s.data().normMean(),
                s.data().normStd());
        long initSeed = SampleKey.derive(s.seed(), RandomStream.INIT, 0, 0);
        try (EnginePool pool = new EnginePool(s.threads());
             TrainingModel model = factory.create(new ModelSpec(s.model(), s.stem(), s.data().frames(),
                     data.frontEnd().bins(), data.classes().size(), initSeed, pool, s.optim().dropPath()))) {
            RunFolder run = folder.open();
            AtomicFile.writeString(run.settings(), s.toJsonText());
            out.println("model: " + model.description() + "; " + s.threads() + " compute threads, "
                    + s.dataThreads() + " data threads");
            out.println("run folder: " + run.root());
            return new Trainer(s, data, model, pool, run, out, bar).run(resume);
        }
    }
}
