package dev.mast.cli;

import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.train.AudioTrainingModel;
import dev.mast.train.DataSettings;
import dev.mast.train.OptimSettings;
import dev.mast.train.Task;
import dev.mast.train.TrainDefaults;
import dev.mast.train.TrainSettings;
import dev.mast.train.TrainingModelFactory;
import dev.mast.train.TrainingRun;
import dev.mast.train.augment.AugmentSettings;
import dev.mast.train.report.ProgressBar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/** {@code mast train}: supervised training of MAST or AST on a labelled data set, resumable. */
public final class TrainCommand implements Command {
    private static final Set<String> RESUME_OPTIONS = Set.of("resume", "threads", "data");

    private final TrainingModelFactory factory;

    /** The command training MAST and AST models. */
    public TrainCommand() {
        this(AudioTrainingModel::create);
    }

    /** The command with another model factory (tests). */
    TrainCommand(TrainingModelFactory factory) {
        this.factory = factory;
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a MAST or AST classifier on a labelled data set (resumable)";
    }

    @Override
    public String help() {
        return String.format(Locale.ROOT, """
                Usage: mast train --data DIR --out RUN_DIR [OPTIONS]
                       mast train --resume RUN_DIR [--threads N] [--data DIR]

                Trains a classifier from scratch. After every epoch it validates, writes RUN_DIR/model.safetensors
                when validation accuracy improved (the file 'mast classify' and 'mast eval' load) and a checkpoint;
                at the end it evaluates the best model on the test split and writes metrics.json, summary.txt,
                the confusion matrix and the training curves (PNG and HTML) into RUN_DIR. The same settings and
                thread count give the same run bit for bit; --resume continues an interrupted run (even after
                kill -9) to exactly the result the uninterrupted run would have had.

                Data:
                  --data DIR              the data set folder (required)
                  --task NAME             layout: speech-commands (default), folder, voxceleb, voxforge, nsynth
                  --split-file FILE       folder: lines 'train|validation|test PATH' (default DIR/split.txt)
                  --keywords W,W,...      speech-commands: the keyword classes, the other words become _unknown_
                                          (default: the 'keywords:' line of DIR/classes.txt, else the standard ten)
                  --all-words             speech-commands: every word folder is a class
                  --silence F             speech-commands: add a _silence_ class of F x the word clips, cut from
                                          _background_noise_ (default 0: none)
                  --frames T              frames per clip (default %d for speech-commands, %d for nsynth, else %d)
                  --frontend kaldi|librosa   log-mel front end (default %s)
                  --normalize MEAN,STD    normalise (x - MEAN) / (2 STD), STD as 'mast fbank-stats' prints it
                                          (default: computed from the training clips)
                  --cache DIR             keep un-augmented features in DIR and reuse them (validation, test, and
                                          training when no waveform augmentation is on)

                Model:
                  --model NAME            %s (default %s)
                  --stem 7|16             MAST patch stem: 7 (7x7/4) or 16 (16x16/10, default %d)

                Optimisation:
                  --epochs N              passes over the training clips (default %d)
                  --batch B               clips per step (default %d)
                  --lr LR                 peak learning rate of AdamW (default %s)
                  --min-lr LR             final learning rate of the cosine schedule (default %s)
                  --warmup-epochs E       linear warm-up (default %s, at most a tenth of the run)
                  --weight-decay W        AdamW decoupled weight decay (default %s)
                  --label-smoothing E     (default %s)
                  --clip-norm N           clip the gradient's global norm; 0: off (default %s)
                  --loss ce|bce           softmax cross-entropy (default) or binary cross-entropy
                  --drop-path R           stochastic depth: the last block skips its residual branches with
                                          probability R, earlier blocks less (default %s)

                Augmentation (defaults: speed +-%s %%, frequency warp +-%s %%, time shift %d ms, background noise %s
                at %s..%s dB SNR when the data set has _background_noise_, frequency mask %d bins, time mask
                5T/16 frames, no mixup):
                  --no-augment            switch all of it off (the options below still apply)
                  --speed PCT             play clips up to +-PCT %% faster or slower (pitch, formants and tempo)
                  --freq-warp PCT         move formants up to +-PCT %% up or down (vocal tract length)
                  --time-shift MS         shift the waveform by up to +-MS milliseconds
                  --noise P               mix in background noise with probability P
                  --noise-snr MIN,MAX     its signal-to-noise ratio range in dB
                  --freq-mask F           SpecAugment frequency mask width (bins)
                  --time-mask T           SpecAugment time mask width (frames)
                  --mixup P               waveform mixup with probability P, lambda ~ Beta(10, 10)
                  --feature-noise         AST's feature noise and +-10 frame roll

                Run:
                  --out RUN_DIR           the run folder (created; must not hold a run)
                  --resume RUN_DIR        continue the run in RUN_DIR with its settings (run.json)
                  --seed S                seed of every random draw (default %d)
                  --threads N             compute threads (default: all processors)
                  --data-threads N        threads decoding and augmenting clips ahead of the model (default %d)
                  --checkpoint-every N    also checkpoint every N steps, not only after epochs (default %d; 0: off)
                """, TrainDefaults.frames(Task.SPEECH_COMMANDS), TrainDefaults.frames(Task.NSYNTH),
                TrainDefaults.frames(Task.FOLDER), TrainDefaults.FRONTEND, AudioTrainingModel.NAMES,
                TrainDefaults.MODEL, TrainDefaults.STEM, TrainDefaults.EPOCHS, TrainDefaults.BATCH, TrainDefaults.LR,
                TrainDefaults.MIN_LR, TrainDefaults.WARMUP_EPOCHS, TrainDefaults.WEIGHT_DECAY,
                TrainDefaults.LABEL_SMOOTHING, TrainDefaults.CLIP_NORM, TrainDefaults.DROP_PATH,
                TrainDefaults.SPEED_CHANGE * 100, TrainDefaults.FREQUENCY_WARP * 100, TrainDefaults.TIME_SHIFT_SAMPLES / 16,
                TrainDefaults.BACKGROUND_PROBABILITY, TrainDefaults.BACKGROUND_MIN_SNR_DB,
                TrainDefaults.BACKGROUND_MAX_SNR_DB, TrainDefaults.FREQ_MASK, TrainDefaults.SEED,
                TrainDefaults.DATA_THREADS, TrainDefaults.CHECKPOINT_EVERY);
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = new Args(name()).values("data", "task", "split-file", "keywords", "silence", "frames", "frontend",
                "normalize", "cache", "model", "stem", "epochs", "batch", "lr", "min-lr", "warmup-epochs",
                "weight-decay", "label-smoothing", "clip-norm", "loss", "drop-path", "time-shift", "speed", "freq-warp", "noise",
                "noise-snr",
                "freq-mask", "time-mask", "mixup", "out", "resume", "seed", "threads", "data-threads",
                "checkpoint-every").flags("all-words", "no-augment", "feature-noise").parse(argv);
        if (!args.positional().isEmpty()) {
            throw new UsageException(name(), "unexpected argument '" + args.positional().getFirst() + "'");
        }
        ProgressBar bar = ProgressBar.forStandardOutput();
        TrainingRun run = new TrainingRun(factory, System.out, bar);
        if (args.has("resume")) {
            for (String option : options(argv)) {
                if (!RESUME_OPTIONS.contains(option)) {
                    throw new UsageException(name(), "--resume takes only --threads and --data (the run's settings "
                            + "are in RUN_DIR/run.json), not --" + option);
                }
            }
            int threads = positive(args, "threads", 0);
            run.resume(absolute(args.get("resume")), threads, args.has("data") ? absolute(args.get("data")) : null);
        } else {
            Path out = absolute(args.require("out"));
            run.start(settings(args), out);
        }
        return 0;
    }

    /** The settings the options describe, with the defaults of {@link TrainDefaults}. */
    private TrainSettings settings(Args args) {
        Path data = absolute(args.require("data"));
        Task task = parse(() -> Task.parse(args.get("task", Task.SPEECH_COMMANDS.label())));
        String model = args.get("model", TrainDefaults.MODEL);
        parse(() -> {
            AudioTrainingModel.checkName(model);
            return model;
        });
        int frames = positive(args, "frames", TrainDefaults.frames(task));
        FeatureNormalizer norm = FrontEndOptions.normalizer(args, name());
        List<String> keywords = args.has("keywords")
                ? Arrays.stream(args.get("keywords").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                : List.of();
        if (args.has("keywords") && keywords.isEmpty()) throw new UsageException(name(), "--keywords is empty");
        return parse(() -> {
            DataSettings d = new DataSettings(task.label(), data,
                    args.has("split-file") ? absolute(args.get("split-file")) : null, keywords, args.has("all-words"),
                    args.getDouble("silence", 0), args.get("frontend", TrainDefaults.FRONTEND), frames,
                    norm == null ? Float.NaN : norm.mean(), norm == null ? Float.NaN : 2 * norm.std(),
                    args.has("cache") ? absolute(args.get("cache")) : null);
            int epochs = positive(args, "epochs", TrainDefaults.EPOCHS);
            double lr = args.getDouble("lr", TrainDefaults.LR);
            OptimSettings o = new OptimSettings(epochs, positive(args, "batch", TrainDefaults.BATCH), lr,
                    args.getDouble("min-lr", Math.min(TrainDefaults.MIN_LR, lr)),
                    args.getDouble("warmup-epochs", TrainDefaults.warmupEpochs(epochs)),
                    args.getDouble("weight-decay", TrainDefaults.WEIGHT_DECAY),
                    args.getDouble("label-smoothing", TrainDefaults.LABEL_SMOOTHING),
                    args.getDouble("clip-norm", TrainDefaults.CLIP_NORM), args.get("loss", TrainDefaults.LOSS),
                    args.getDouble("drop-path", TrainDefaults.DROP_PATH));
            return new TrainSettings(model, args.getInt("stem", TrainDefaults.STEM), d, o, augment(args, task, data,
                    frames), args.has("seed") ? parseSeed(args.get("seed")) : TrainDefaults.SEED,
                    positive(args, "threads", EnginePool.defaultThreads()),
                    positive(args, "data-threads", TrainDefaults.DATA_THREADS),
                    args.getInt("checkpoint-every", TrainDefaults.CHECKPOINT_EVERY));
        });
    }

    private AugmentSettings augment(Args args, Task task, Path data, int frames) {
        boolean hasNoise;
        try {
            hasNoise = !task.noiseFiles(data).isEmpty();
        } catch (IOException e) {
            hasNoise = false; // listing the data set reports the problem with the folder itself
        }
        AugmentSettings a = args.has("no-augment") ? AugmentSettings.none() : TrainDefaults.augment(frames, hasNoise);
        double noise = probability(args, "noise", a.backgroundProbability());
        if (noise > 0 && !hasNoise) {
            throw new UsageException(name(), "--noise needs background-noise recordings (speech-commands: "
                    + data.resolve("_background_noise_") + ")");
        }
        double[] snr = {a.backgroundMinSnrDb(), a.backgroundMaxSnrDb()};
        if (args.has("noise-snr")) snr = pair(args, "noise-snr");
        boolean featureNoise = args.has("feature-noise") || a.featureNoise();
        int timeShift = a.timeShiftSamples();
        if (args.has("time-shift")) timeShift = (int) Math.round(nonNegative(args, "time-shift") * 16);
        return new AugmentSettings(probability(args, "mixup", a.mixupProbability()), a.mixupAlpha(), 0, timeShift,
                noise, snr[0], snr[1], args.has("freq-mask") ? (int) nonNegative(args, "freq-mask") : a.freqMask(),
                args.has("time-mask") ? (int) nonNegative(args, "time-mask") : a.timeMask(), featureNoise,
                featureNoise ? 10 : 0, args.has("speed") ? nonNegative(args, "speed") / 100 : a.speedChange(),
                args.has("freq-warp") ? nonNegative(args, "freq-warp") / 100 : a.frequencyWarp());
    }

    private int positive(Args args, String option, int fallback) {
        int v = args.getInt(option, fallback);
        if (args.has(option) && v < 1) throw new UsageException(name(), "--" + option + " must be at least 1");
        return v;
    }

    private double nonNegative(Args args, String option) {
        double v = args.getDouble(option, 0);
        if (!(v >= 0)) throw new UsageException(name(), "--" + option + " must not be negative");
        return v;
    }

    private double probability(Args args, String option, double fallback) {
        double p = args.getDouble(option, fallback);
        if (!(p >= 0 && p <= 1)) throw new UsageException(name(), "--" + option + " must be a probability in [0, 1]");
        return p;
    }

    private double[] pair(Args args, String option) {
        String[] parts = args.get(option).split(",");
        try {
            if (parts.length == 2) {
                double lo = Double.parseDouble(parts[0].strip()), hi = Double.parseDouble(parts[1].strip());
                if (lo <= hi) return new double[] {lo, hi};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name(), "--" + option + " expects MIN,MAX with MIN <= MAX, got '" + args.get(option) + "'");
    }

    private long parseSeed(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(name(), "--seed expects an integer, got '" + s + "'");
        }
    }

    /** Runs {@code f}, turning a rejected value into a usage error. */
    private <T> T parse(Supplier<T> f) {
        try {
            return f.get();
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(name(), e.getMessage());
        }
    }

    /** The option names in {@code argv} (without "--" and any "=value"). */
    private static List<String> options(String[] argv) {
        return Arrays.stream(argv).takeWhile(a -> !a.equals("--")).filter(a -> a.startsWith("--"))
                .map(a -> a.substring(2).split("=", 2)[0]).toList();
    }

    private static Path absolute(String p) {
        return Path.of(p).toAbsolutePath().normalize();
    }
}
