package dev.mast.cli;

import dev.mast.engine.io.Json;
import dev.mast.model.Classification;
import dev.mast.model.Classifier;
import dev.mast.model.ClassifierOptions;
import dev.mast.model.Prediction;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code mast classify}: top-k labels of WAV/FLAC files with a model file. */
public final class ClassifyCommand implements Command {
    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String summary() {
        return "top-k labels with probabilities of WAV/FLAC files (model file from mast import)";
    }

    @Override
    public String help() {
        return """
                Usage: mast classify --model M.safetensors FILE... [--top K] [--json] [--threads N] [--batch N]
                                     [--multi-label] [--backend java|onednn]

                Classifies each WAV or FLAC FILE with a model file (made by 'mast import' or by training: weights,
                labels and front-end settings in one safetensors file) and prints, in argument order, one block
                per file: its name, then the top K labels with their probabilities.

                  yes.wav
                    0.912345  yes
                    0.051234  no

                  --model FILE    the model file
                  --top K         labels per file (default 5)
                  --json          JSON Lines: one JSON object per file and line instead of the blocks,
                                  {"file": "yes.wav", "top": [{"label": "yes", "index": 3,
                                  "probability": 0.912345}, ...]}
                  --threads N     threads (default: all processors)
                  --batch N       files per forward pass (default 8)
                  --backend NAME  %s
                  --multi-label   per-class sigmoid instead of softmax, for models trained with a binary loss
                                  per class (AudioSet)

                A file that cannot be read or decoded gets one line on stderr naming it; the other files are still
                classified, and the exit code is then 1.
                """.formatted(BackendOption.HELP);
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(name()).values("model", "top", "threads", "batch", "backend").flags("json", "multi-label")
                .parse(argv);
        Path model = Path.of(args.require("model"));
        List<Path> files = AudioBatches.files(args, name());
        ClassifierOptions options = options(args, name())
                .withTopK(positive(args, "top", ClassifierOptions.defaults().topK(), name()))
                .withScores(args.has("multi-label") ? ClassifierOptions.Scores.SIGMOID
                        : ClassifierOptions.Scores.SOFTMAX);
        boolean json = args.has("json");
        PrintStream out = System.out;
        int failed = 0;
        try (Classifier classifier = Classifier.open(model, options)) {
            if (classifier.numClasses() == 0) {
                throw new IllegalArgumentException(model + ": the model has no classification head"
                        + " (num_classes 0); use mast embed");
            }
            for (int from = 0; from < files.size(); from += options.maxBatch()) {
                List<AudioBatches.Item> items = AudioBatches.features(classifier,
                        files.subList(from, Math.min(files.size(), from + options.maxBatch())));
                List<Classification> results = classifier.classifyFeatures(AudioBatches.good(items));
                int next = 0;
                for (AudioBatches.Item item : items) {
                    if (item.error() != null) {
                        out.flush();
                        System.err.println("mast classify: " + item.error());
                        failed++;
                    } else {
                        Classification c = results.get(next++);
                        out.print(json ? json(item.file(), c) : text(item.file(), c));
                    }
                }
                out.flush();
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static String text(Path file, Classification c) {
        StringBuilder sb = new StringBuilder(file.toString()).append('\n');
        for (Prediction p : c.top()) {
            sb.append(String.format(Locale.ROOT, "  %.6f  %s%n", p.probability(), p.label()));
        }
        return sb.toString();
    }

    private static String json(Path file, Classification c) {
        List<Object> top = new ArrayList<>();
        for (Prediction p : c.top()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", p.label());
            m.put("index", p.index());
            m.put("probability", p.probability());
            top.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("top", top);
        return Json.write(m) + "\n";
    }

    /** {@code --threads}, {@code --batch} and {@code --backend}, shared with {@code mast embed}. */
    static ClassifierOptions options(Args args, String command) {
        ClassifierOptions defaults = ClassifierOptions.defaults();
        return defaults.withThreads(positive(args, "threads", defaults.threads(), command))
                .withMaxBatch(positive(args, "batch", defaults.maxBatch(), command))
                .withBackend(BackendOption.parse(args, command));
    }

    private static int positive(Args args, String name, int fallback, String command) {
        int v = args.getInt(name, fallback);
        if (v < 1) throw new UsageException(command, "--" + name + " must be at least 1");
        return v;
    }
}
