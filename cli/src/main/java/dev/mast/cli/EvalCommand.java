package dev.mast.cli;

import dev.mast.engine.io.Json;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.AudioModel;
import dev.mast.model.FrontendSettings;
import dev.mast.model.LoadOptions;
import dev.mast.model.LoadedModel;
import dev.mast.model.ModelLoader;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.Backends;
import dev.mast.train.DataSettings;
import dev.mast.train.Evaluation;
import dev.mast.train.Evaluator;
import dev.mast.train.Task;
import dev.mast.train.TrainDefaults;
import dev.mast.train.data.BatchPipeline;
import dev.mast.train.data.Clip;
import dev.mast.train.data.LabeledDataset;
import dev.mast.train.data.Split;
import dev.mast.train.data.SpeechCommandsReader;
import dev.mast.train.features.DatasetClips;
import dev.mast.train.features.EvaluationExamples;
import dev.mast.train.features.FbankFrontEnd;
import dev.mast.train.features.FeatureCache;
import dev.mast.train.features.FeatureNormalization;
import dev.mast.train.loss.CrossEntropyLoss;
import dev.mast.train.report.ProgressBar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mast eval}: accuracy and per-class figures of a model file on a split of a data set, with the model file's
 * own front end and normalisation (what {@code mast classify} does per file).
 */
public final class EvalCommand implements Command {
    /** Speech Commands' customary share of silence clips, assumed when the model has a _silence_ class. */
    private static final double DEFAULT_SILENCE = 0.1;

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "accuracy and per-class figures of a model file on a data set split";
    }

    @Override
    public String help() {
        return """
                Usage: mast eval --model MODEL.safetensors --data DIR [--task NAME] [--split test] [--json]

                Classifies every clip of a split with a model file written by 'mast train' (its labels, front end
                and normalisation are in the file) and prints the accuracy, the confusion matrix and precision,
                recall and F1 per class.

                  --model FILE         the model file
                  --data DIR           the data set folder
                  --task NAME          layout: speech-commands (default), folder, voxceleb, voxforge, nsynth
                  --split NAME         train, validation or test (default test)
                  --split-file FILE    folder: the split file (default DIR/split.txt)
                  --silence F          speech-commands with a _silence_ class: silence clips per split as a
                                       fraction of its word clips (default 0.1, as in training)
                  --cache DIR          feature cache folder (as mast train --cache)
                  --batch B            clips per forward pass (default 16)
                  --threads N          compute threads (default: all processors)
                  --backend NAME       %s
                  --json               print one JSON object: accuracy, balanced_accuracy, loss, examples,
                                       classes (precision, recall, f1, support) and the matrix
                """.formatted(BackendOption.HELP);
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = new Args(name()).values("model", "data", "task", "split", "split-file", "silence", "cache",
                "batch", "threads", "backend").flags("json").parse(argv);
        if (!args.positional().isEmpty()) {
            throw new UsageException(name(), "unexpected argument '" + args.positional().getFirst() + "'");
        }
        Path modelFile = Path.of(args.require("model"));
        Path data = Path.of(args.require("data")).toAbsolutePath().normalize();
        Task task;
        try {
            task = Task.parse(args.get("task", Task.SPEECH_COMMANDS.label()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name(), e.getMessage());
        }
        Split split = Split.parse(args.get("split", "test"));
        if (split == null) throw new UsageException(name(), "--split must be train, validation or test");
        int batch = args.getInt("batch", TrainDefaults.BATCH);
        int threads = args.getInt("threads", EnginePool.defaultThreads());
        if (batch < 1 || threads < 1) throw new UsageException(name(), "--batch and --threads must be at least 1");
        boolean json = args.has("json");
        String backendName = BackendOption.parse(args, name());

        try (Backend backend = Backends.create(backendName, threads);
             LoadedModel loaded = ModelLoader.load(modelFile, backend, LoadOptions.defaults());
             Workspace ws = new Workspace()) {
            AudioModel model = loaded.model();
            FrontendSettings fs = loaded.info().frontend();
            List<String> labels = loaded.info().labels();
            if (fs == null) {
                throw new IOException(modelFile + ": has no front-end settings (not a model file written by mast train)");
            }
            if (labels.size() != model.numClasses()) {
                throw new IOException(modelFile + ": has " + labels.size() + " labels for " + model.numClasses()
                        + " classes");
            }
            LabeledDataset ds = task.read(readSettings(args, task, data, labels, fs));
            List<Clip> clips = relabel(ds, split, labels);
            if (clips.isEmpty()) throw new IOException(data + ": no " + split.label() + " clips");
            FeatureCache cache = args.has("cache") ? new FeatureCache(Path.of(args.get("cache"))) : null;
            EvaluationExamples examples = new EvaluationExamples(new DatasetClips(ds.root(), clips, labels.size(),
                    cache), FbankFrontEnd.of(fs), FeatureNormalization.of(fs));
            Evaluation ev;
            try (BatchPipeline pipeline = new BatchPipeline(examples, examples.size(), batch,
                    TrainDefaults.DATA_THREADS, TrainDefaults.PREFETCH)) {
                ProgressBar bar = json ? null : ProgressBar.forStandardOutput();
                ev = Evaluator.run((in, logits) -> model.forward(in, logits, ws), pipeline, labels,
                        new CrossEntropyLoss(0), bar, "eval " + split.label());
            }
            print(ev, modelFile, data, task, split, json);
        }
        return 0;
    }

    /** How to list the data set so that its classes are the model's labels. */
    private static DataSettings readSettings(Args args, Task task, Path data, List<String> labels,
                                             FrontendSettings fs) {
        List<String> keywords = new ArrayList<>();
        boolean allWords = false;
        double silence = 0;
        if (task == Task.SPEECH_COMMANDS) {
            for (String l : labels) {
                if (!l.equals(SpeechCommandsReader.UNKNOWN) && !l.equals(SpeechCommandsReader.SILENCE)) keywords.add(l);
            }
            allWords = !labels.contains(SpeechCommandsReader.UNKNOWN);
            if (allWords) keywords.clear();
            if (labels.contains(SpeechCommandsReader.SILENCE)) silence = args.getDouble("silence", DEFAULT_SILENCE);
        }
        return new DataSettings(task.label(), data, args.has("split-file") ? Path.of(args.get("split-file")) : null,
                keywords, allWords, silence, fs.frontend(), fs.targetLength(), fs.normMean(), fs.normStd(), null);
    }

    /** The split's clips with their labels as indices into the model's labels. */
    private static List<Clip> relabel(LabeledDataset ds, Split split, List<String> labels) throws IOException {
        int[] map = new int[ds.classCount()];
        for (int c = 0; c < map.length; c++) {
            map[c] = labels.indexOf(ds.classes().get(c));
            if (map[c] < 0) {
                throw new IOException(ds.root() + ": class '" + ds.classes().get(c) + "' is not one of the model's "
                        + "labels " + labels);
            }
        }
        List<Clip> out = new ArrayList<>();
        for (Clip c : ds.clips(split)) out.add(new Clip(c.path(), map[c.label()], c.offset(), c.length()));
        return out;
    }

    private static void print(Evaluation ev, Path modelFile, Path data, Task task, Split split, boolean json) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", modelFile.toString());
            m.put("data", data.toString());
            m.put("task", task.label());
            m.put("split", split.label());
            m.put("loss", Double.isFinite(ev.loss()) ? ev.loss() : null);
            @SuppressWarnings("unchecked") // a JSON object parses to a map
            Map<String, Object> figures = (Map<String, Object>) Json.parse(ev.confusion().toJson());
            m.putAll(figures);
            System.out.println(Json.write(m));
        } else {
            System.out.printf(Locale.ROOT, "%s on the %s split of %s: accuracy %.2f%% (%d clips), loss %.4f%n%n",
                    modelFile, split.label(), data, 100 * ev.accuracy(), ev.examples(), ev.loss());
            System.out.print(ev.confusion().toText());
        }
    }
}
