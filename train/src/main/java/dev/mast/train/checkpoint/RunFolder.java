package dev.mast.train.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one training run, all in one folder:
 * <pre>
 *   model.safetensors       the best model so far (by validation accuracy): what {@code mast classify} loads
 *   checkpoint.safetensors  the latest {@link TrainingCheckpoint}: what {@code --resume} continues from
 *   run.json                the run's settings (data, model, optimiser, augmentation, seed, threads)
 *   train.log               the progress lines of every epoch
 *   history.csv             per-epoch loss, accuracy, learning rate and time ({@code TrainingHistory})
 *   curves.png, curves.html training curves
 *   confusion.txt, confusion.png, confusion.html   the test-set confusion matrix at the end
 *   metrics.json            the final test figures as one JSON object
 *   summary.txt             the run in a few lines for people: settings, best epoch, test figures, times
 * </pre>
 * Every file is replaced atomically when it is written, so a folder is always consistent after a crash.
 */
public final class RunFolder {
    private final Path root;

    private RunFolder(Path root) {
        this.root = root;
    }

    /**
     * A folder for a new run: created if missing. Refuses a folder that already holds a run's checkpoint, so an
     * earlier run is never overwritten by accident (resume it or choose another folder).
     */
    public static RunFolder create(Path dir) throws IOException {
        requireNew(dir);
        Files.createDirectories(dir);
        return new RunFolder(dir);
    }

    /** Fails as {@link #create} would, without creating anything (to check before a long preparation). */
    public static void requireNew(Path dir) throws RunFolderException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new RunFolderException(dir, "exists and is not a folder");
        RunFolder f = new RunFolder(dir);
        if (Files.exists(f.checkpoint())) {
            throw new RunFolderException(dir, "already holds a training run (" + f.checkpoint().getFileName()
                    + "); resume it or choose another folder");
        }
    }

    /** The folder of an interrupted run, which must hold a checkpoint. */
    public static RunFolder resume(Path dir) throws IOException {
        RunFolder f = new RunFolder(dir);
        if (!Files.isDirectory(dir)) throw new RunFolderException(dir, "no such folder");
        if (!Files.isRegularFile(f.checkpoint())) {
            throw new RunFolderException(dir, "has no " + f.checkpoint().getFileName() + " to resume from");
        }
        return f;
    }

    public Path root() {
        return root;
    }

    public Path model() {
        return root.resolve("model.safetensors");
    }

    public Path checkpoint() {
        return root.resolve("checkpoint.safetensors");
    }

    public Path settings() {
        return root.resolve("run.json");
    }

    public Path log() {
        return root.resolve("train.log");
    }

    public Path history() {
        return root.resolve("history.csv");
    }

    public Path curvesPng() {
        return root.resolve("curves.png");
    }

    public Path curvesHtml() {
        return root.resolve("curves.html");
    }

    public Path confusionText() {
        return root.resolve("confusion.txt");
    }

    public Path confusionPng() {
        return root.resolve("confusion.png");
    }

    public Path confusionHtml() {
        return root.resolve("confusion.html");
    }

    public Path metrics() {
        return root.resolve("metrics.json");
    }

    public Path summary() {
        return root.resolve("summary.txt");
    }
}
