package dev.mast.cli;

import dev.mast.engine.io.Npy;
import dev.mast.model.Classifier;
import dev.mast.model.ClassifierOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code mast embed}: clip embeddings of WAV/FLAC files as an (N, D) .npy. */
public final class EmbedCommand implements Command {
    @Override
    public String name() {
        return "embed";
    }

    @Override
    public String summary() {
        return "clip embeddings (pooled features before the head) of WAV/FLAC files as .npy";
    }

    @Override
    public String help() {
        return """
                Usage: mast embed --model M.safetensors FILE... --out E.npy [--threads N] [--batch N]
                                  [--backend java|onednn]

                Writes the clip embedding of each WAV or FLAC FILE (the mean of the last stage's tokens, which the
                classification head sees) to E.npy as float32 (N, D) in C order, row i for the i-th FILE. Works
                with models without a head too.

                  --model FILE    the model file (from 'mast import' or training)
                  --out FILE      the .npy to write
                  --threads N     threads (default: all processors)
                  --batch N       files per forward pass (default 8)
                  --backend NAME  %s

                A file that cannot be read or decoded gets one line on stderr naming it; as the rows must match
                the arguments, nothing is written then and the exit code is 1.
                """.formatted(BackendOption.HELP);
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(name()).values("model", "out", "threads", "batch", "backend").parse(argv);
        Path model = Path.of(args.require("model"));
        Path out = Path.of(args.require("out"));
        List<Path> files = AudioBatches.files(args, name());
        ClassifierOptions options = ClassifyCommand.options(args, name());
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + out + ": no directory " + dir);
        }

        int failed = 0;
        float[] rows;
        int dim;
        try (Classifier classifier = Classifier.open(model, options)) {
            dim = classifier.embeddingDim();
            rows = new float[Math.multiplyExact(files.size(), dim)];
            for (int from = 0; from < files.size(); from += options.maxBatch()) {
                List<AudioBatches.Item> items = AudioBatches.features(classifier,
                        files.subList(from, Math.min(files.size(), from + options.maxBatch())));
                for (AudioBatches.Item item : items) {
                    if (item.error() != null) {
                        System.err.println("mast embed: " + item.error());
                        failed++;
                    }
                }
                if (failed > 0) continue; // keep reporting bad files; the output will not be written
                float[][] e = classifier.embedFeatures(AudioBatches.good(items));
                for (int i = 0; i < e.length; i++) System.arraycopy(e[i], 0, rows, (from + i) * dim, dim);
            }
        }
        if (failed > 0) return 1;
        Npy.write(out, new int[] {files.size(), dim}, rows);
        System.out.printf("%d embeddings of %d values -> %s%n", files.size(), dim, out);
        return 0;
    }
}
