package dev.mast.cli;

import dev.mast.train.testing.LinearSoftmaxModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test-only entry point of the child JVMs of {@link TrainResumeTest}: {@code mast train} with the test model.
 * Arguments: STEP MARKER TRAIN_ARGS... When STEP &gt; 0, the training step STEP writes the file MARKER and then hangs,
 * so that the parent can kill the process at a known point, mid-epoch and after a checkpoint.
 */
public final class TrainChild {
    private TrainChild() {}

    public static void main(String[] args) {
        int hangAt = Integer.parseInt(args[0]);
        Path marker = Path.of(args[1]);
        TrainCommand train = new TrainCommand(LinearSoftmaxModel.factory(step -> {
            if (step != hangAt) return;
            try {
                Files.writeString(marker, "step " + step);
                Thread.sleep(Long.MAX_VALUE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.exit(Main.run(train, Arrays.copyOfRange(args, 2, args.length)));
    }
}
