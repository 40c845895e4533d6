package dev.mast.cli;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.engine.io.FileFormatException;
import dev.mast.model.AudioModel;
import dev.mast.model.Classifier;
import dev.mast.model.ClassifierOptions;
import dev.mast.model.FrontendSettings;
import dev.mast.model.LoadOptions;
import dev.mast.model.LoadedModel;
import dev.mast.model.ModelFile;
import dev.mast.model.ModelInfo;
import dev.mast.model.ModelLoader;
import dev.mast.model.backend.JavaBackend;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * {@code mast import}: a model file ({@link ModelFile}) from reference weights, a labels file and front-end
 * settings, so that {@code mast classify} and {@link Classifier} need nothing else.
 */
public final class ImportCommand implements Command {
    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "make a model file from timm/LAPE/AST weights, labels and front-end settings";
    }

    @Override
    public String help() {
        return """
                Usage: mast import --weights W.safetensors [--config C.json] [--labels LABELS.txt]
                                   [--frontend kaldi|librosa] [--target-length N] [--normalize MEAN,STD]
                                   --out M.safetensors

                Makes a model file for 'mast classify', 'mast embed' and the embedded Classifier: the weights
                under their timm/LAPE names plus, in the safetensors metadata, the architecture, the class labels
                and the front-end settings.

                  --weights FILE       PyTorch-trained weights as safetensors: a MAST/AST checkpoint under timm/LAPE
                                       names (prefixes v., module.v., mast_model.v., encoder_q.encoder.mast_model.v.,
                                       state_dict. ...), or a model file to re-label
                  --config FILE        architecture as JSON (default: the "config" in the file's __metadata__)
                  --labels FILE        UTF-8 text, one class name per line in head order (blank lines skipped);
                                       their count must equal num_classes. Default: the labels already in the
                                       weights file, else classes are shown by number
                  --frontend NAME      kaldi: AST's fbank (default); librosa: LAPE's log-mel
                  --target-length N    frames every clip is padded or cropped to (default: the config's input_tdim)
                  --normalize MEAN,STD (x - MEAN) / (2 STD) after padding, as 'mast fbank --normalize': AST's
                                       AudioSet -4.2677393,4.5689974, Speech Commands -6.845978,5.5654526,
                                       ESC-50 -6.6268077,5.358466 (see mast fbank-stats). Default: the weights
                                       file's own settings if it has them, else no normalisation
                  --out FILE           the model file to write

                The written file is opened once as a classifier before it replaces OUT, so an inconsistent
                combination (labels and head size, a target length shorter than the patch stem) fails here.
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(name()).values("weights", "config", "labels", "frontend", "target-length", "normalize",
                "out").parse(argv);
        if (!args.positional().isEmpty()) {
            throw new UsageException(name(), "unexpected argument '" + args.positional().getFirst() + "'");
        }
        Path weights = Path.of(args.require("weights"));
        Path config = args.has("config") ? Path.of(args.get("config")) : null;
        Path out = Path.of(args.require("out"));
        String frontend = args.get("frontend");
        if (frontend != null) {
            frontend = frontend.toLowerCase(Locale.ROOT);
            if (!frontend.equals("kaldi") && !frontend.equals("librosa")) {
                throw new UsageException(name(), "--frontend must be kaldi or librosa, got '" + frontend + "'");
            }
        }
        if (args.has("target-length") && args.getInt("target-length", 0) < 1) {
            throw new UsageException(name(), "--target-length must be a positive number of frames");
        }
        FeatureNormalizer norm = FrontEndOptions.normalizer(args, name());
        List<String> labels = args.has("labels") ? readLabels(Path.of(args.get("labels"))) : null;
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + out + ": no directory " + dir);
        }

        Path staged = out.resolveSibling(out.getFileName() + ".importing");
        FrontendSettings fe;
        ModelInfo info;
        String description;
        try (JavaBackend backend = new JavaBackend(1);
             LoadedModel loaded = ModelLoader.load(weights, config, backend, LoadOptions.defaults())) {
            AudioModel model = loaded.model();
            FrontendSettings old = loaded.info().frontend();
            fe = new FrontendSettings(
                    frontend != null ? frontend : old != null ? old.frontend() : "kaldi",
                    AudioFrontEnd.MODEL_RATE,
                    args.has("target-length") ? args.getInt("target-length", 0)
                            : old != null ? old.targetLength() : model.config().inputTdim(),
                    norm != null ? norm.mean() : old != null ? old.normMean() : 0f,
                    // FrontendSettings stores the divisor itself: 2·STD in AST's convention.
                    norm != null ? 2 * norm.std() : old != null ? old.normStd() : 1f);
            if (labels == null) labels = loaded.info().labels();
            if (!labels.isEmpty() && labels.size() != model.numClasses()) {
                String source = args.has("labels") ? args.get("labels") : weights.toString();
                throw new IllegalArgumentException(source + ": " + labels.size() + " labels, but the model's head has "
                        + model.numClasses() + " classes");
            }
            info = new ModelInfo(labels, fe);
            ModelFile.save(staged, model, info);
            description = model.config().architecture().toUpperCase(Locale.ROOT) + " " + model.config().variant()
                    + ", " + model.numClasses() + " classes";
        }
        try {
            try (Classifier check = Classifier.open(staged, ClassifierOptions.defaults().withThreads(1)
                    .withBackend("java"))) {
                check.embed(new float[AudioFrontEnd.MODEL_RATE], AudioFrontEnd.MODEL_RATE); // 1 s of silence
            } catch (FileFormatException e) {
                String problem = e.getMessage().replace(staged + ": ", "");
                throw new IllegalArgumentException("the imported model would not work: " + problem, e);
            }
            Files.move(staged, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(staged);
        }
        System.out.printf(Locale.ROOT, "%s: %s, %s, %s front end, %d frames, norm_mean %s, norm_std %s -> %s%n",
                weights,
                description, labels.isEmpty() ? "no labels" : labels.size() + " labels", fe.frontend(),
                fe.targetLength(), fe.normMean(), fe.normStd(), out);
        return 0;
    }

    /** One label per line, stripped; blank lines skipped. */
    static List<String> readLabels(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new FileFormatException(file.toString(), "no such file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new FileFormatException(file.toString(), "not UTF-8 text");
        }
        List<String> labels = lines.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (labels.isEmpty()) throw new FileFormatException(file.toString(), "no labels (one per line expected)");
        return labels;
    }
}
