package dev.mast.model;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.audio.features.LogMel;
import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.Backends;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Audio classification with a model file ({@link ModelFile}): loaded once, then audio in, top-k labels with
 * probabilities out. The file supplies the architecture, weights, labels and front-end settings.
 *
 * <pre>{@code
 * try (Classifier classifier = Classifier.open(Path.of("model.safetensors"))) {
 *     Classification c = classifier.classify(samples, 44100);     // mono float PCM at any rate
 *     for (Prediction p : c.top()) System.out.println(p.label() + " " + p.probability());
 *     float[] embedding = classifier.embed(Path.of("dog.wav"));    // pooled features before the head
 * }
 * }</pre>
 *
 * <p><b>Pipeline.</b> Audio goes through the file's front end ({@link FrontendSettings}: Kaldi fbank or librosa
 * log-mel at 16 kHz, padded/cropped to the target length, normalised), then the model; logits become
 * probabilities by softmax (or sigmoid, {@link ClassifierOptions.Scores}). Every clip becomes the same number of
 * frames, so the batch methods stack up to {@link ClassifierOptions#maxBatch()} clips into one forward pass;
 * results equal those of one call per clip (bit for bit with the current kernels; within float rounding in any
 * case).
 *
 * <p><b>Threads.</b> A classifier is thread-safe: any number of threads may call it at once. The model and front
 * end are immutable and shared; each concurrent call borrows a scratch set (two {@link Workspace}s) from a pool and
 * returns it when done, so the pool holds as many scratch sets as the most calls ever in flight at once, and no
 * more. One call's operators run on the backend ({@link ClassifierOptions#backend()}: oneDNN by default when it
 * loads, else the Java kernels) with {@link ClassifierOptions#threads()} threads; a call that finds those threads
 * busy with another call runs its operators on its own thread. Results do not depend on concurrent calls, nor, on
 * the Java backend, on the thread count (oneDNN's could in principle differ in the last bits between thread counts;
 * at MAST's shapes they were identical in our tests). {@link #close()} must not race with calls.
 *
 * <p><b>Memory.</b> Scratch memory grows while calls see larger batches than before and then stays: a
 * long-running service allocates no off-heap memory per call ({@link #scratchBytes()} reports what is held).
 * The weights are memory-mapped from the file.
 *
 * <p><b>Errors.</b> Bad audio is the front end's exception, thrown on the calling thread before any model state is
 * touched: {@link AudioFormatException} (naming the file) from the file methods, {@link IllegalArgumentException}
 * (e.g. {@link dev.mast.audio.ClipTooShortException}, an unsupported sample rate, NaN or infinite samples) from
 * the PCM methods. The classifier stays usable afterwards.
 */
public final class Classifier implements AutoCloseable {
    private final String source;
    private final Backend backend;
    private final LoadedModel loaded;
    private final AudioModel model;
    private final FrontendSettings settings;
    private final AudioFrontEnd frontEnd;
    private final ClassifierOptions options;
    private final ConcurrentLinkedDeque<ClassifierScratch> idle = new ConcurrentLinkedDeque<>();
    private final List<ClassifierScratch> scratches = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Classifier(String source, Backend backend, LoadedModel loaded, ClassifierOptions options)
            throws FileFormatException {
        this.source = source;
        this.backend = backend;
        this.loaded = loaded;
        this.model = loaded.model();
        this.options = options;
        ModelInfo info = loaded.info();
        this.settings = options.frontend() != null ? options.frontend() : info.frontend();
        if (settings == null) {
            throw new FileFormatException(source, "no front-end settings in the model file (make it with"
                    + " 'mast import', or pass ClassifierOptions.withFrontend)");
        }
        this.frontEnd = frontEndFor(settings);
        if (settings.sampleRate() != AudioFrontEnd.MODEL_RATE) {
            throw new FileFormatException(source, "front-end sample_rate " + settings.sampleRate()
                    + " Hz is not supported (the front ends run at " + AudioFrontEnd.MODEL_RATE + " Hz)");
        }
        if (frontEnd.melBins() != model.config().inputFdim()) {
            throw new FileFormatException(source, "the front end gives " + frontEnd.melBins()
                    + " mel bins but the model takes " + model.config().inputFdim());
        }
        if (settings.targetLength() < model.minFrames()) {
            throw new FileFormatException(source, "target_length " + settings.targetLength()
                    + " is shorter than the " + model.minFrames() + " frames the model's patch stem needs");
        }
        if (!info.labels().isEmpty() && info.labels().size() != model.numClasses()) {
            throw new FileFormatException(source, info.labels().size() + " labels for a head of "
                    + model.numClasses() + " classes");
        }
    }

    /** Opens a model file with {@link ClassifierOptions#defaults()}. */
    public static Classifier open(Path modelFile) throws IOException {
        return open(modelFile, ClassifierOptions.defaults());
    }

    /**
     * Opens a model file.
     *
     * @throws FileFormatException   naming the file when it is missing, not a model file, or inconsistent
     * @throws IllegalStateException when the options ask for the oneDNN backend and it cannot load
     */
    public static Classifier open(Path modelFile, ClassifierOptions options) throws IOException {
        Backend backend = Backends.create(options.backend(), options.threads());
        try {
            LoadedModel loaded;
            try {
                loaded = ModelLoader.load(modelFile, backend, LoadOptions.defaults());
            } catch (FileFormatException e) {
                throw e;
            } catch (IOException e) { // e.g. NoSuchFileException, whose message is the bare path
                throw new FileFormatException(modelFile.toString(), "cannot read (" + reason(e) + ")", e);
            }
            try {
                return new Classifier(modelFile.toString(), backend, loaded, options);
            } catch (IOException | RuntimeException e) {
                loaded.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * The audio front end the settings describe: Kaldi fbank or librosa log-mel, padded/cropped to the target
     * length, then {@code (x − norm_mean) / norm_std}.
     */
    public static AudioFrontEnd frontEndFor(FrontendSettings s) {
        AudioFrontEnd fe = s.frontend().equals("kaldi") ? AudioFrontEnd.kaldi() : AudioFrontEnd.librosa();
        // FeatureNormalizer divides by 2·std (AST's convention); halving is exact, so the divisor is norm_std.
        return fe.withTargetLength(s.targetLength()).withNormalizer(new FeatureNormalizer(s.normMean(),
                s.normStd() / 2f));
    }

    // ---- classification -------------------------------------------------------------------------------------

    /**
     * Classifies mono float PCM (full scale ±1) at any sample rate the front end resamples from.
     *
     * @throws IllegalArgumentException for bad audio (too short, unsupported rate, non-finite samples)
     */
    public Classification classify(float[] pcm, int sampleRate) {
        return classifyFeatures(List.of(features(pcm, sampleRate))).getFirst();
    }

    /**
     * Classifies several clips of one sample rate, up to {@link ClassifierOptions#maxBatch()} per forward pass;
     * results in input order. The front end runs on the engine pool.
     *
     * @throws IllegalArgumentException for the first bad clip (lowest index); nothing is classified then
     */
    public List<Classification> classify(float[][] clips, int sampleRate) {
        return classifyFeatures(features(clips, sampleRate));
    }

    /**
     * Classifies a WAV or FLAC file.
     *
     * @throws AudioFormatException naming the file when it cannot be read or decoded
     */
    public Classification classify(Path file) throws IOException {
        return classifyFeatures(List.of(features(file))).getFirst();
    }

    /**
     * Classifies spectrograms that already went through {@link #features}; clips of equal length are batched.
     *
     * @throws IllegalArgumentException when a spectrogram does not fit the model (mel bins, too few frames)
     */
    public List<Classification> classifyFeatures(List<LogMel> features) {
        if (model.numClasses() == 0) {
            throw new IllegalStateException(source + ": the model has no classification head (num_classes 0);"
                    + " use embed");
        }
        float[][] probabilities = run(features, false);
        List<Classification> out = new ArrayList<>(probabilities.length);
        for (float[] p : probabilities) out.add(new Classification(loaded.info(), p, options.topK()));
        return List.copyOf(out);
    }

    // ---- embeddings -----------------------------------------------------------------------------------------

    /** The clip embedding (the pooled features the head sees, {@link #embeddingDim()} values) of mono PCM. */
    public float[] embed(float[] pcm, int sampleRate) {
        return embedFeatures(List.of(features(pcm, sampleRate)))[0];
    }

    /** Embeddings of several clips, batched as {@link #classify(float[][], int)}; rows in input order. */
    public float[][] embed(float[][] clips, int sampleRate) {
        return embedFeatures(features(clips, sampleRate));
    }

    /** The embedding of a WAV or FLAC file. */
    public float[] embed(Path file) throws IOException {
        return embedFeatures(List.of(features(file)))[0];
    }

    /** Embeddings of spectrograms from {@link #features}. */
    public float[][] embedFeatures(List<LogMel> features) {
        return run(features, true);
    }

    // ---- front end ------------------------------------------------------------------------------------------

    /**
     * The model input for mono PCM: what {@link #classify(float[], int)} feeds the model.
     *
     * @throws IllegalArgumentException for bad audio
     */
    public LogMel features(float[] pcm, int sampleRate) {
        int bad = firstNonFinite(pcm);
        if (bad >= 0) {
            throw new IllegalArgumentException("sample " + bad + " is " + pcm[bad] + " (audio must be finite)");
        }
        return frontEnd.fromSamples(pcm, sampleRate);
    }

    /**
     * The model input for a WAV or FLAC file.
     *
     * @throws AudioFormatException naming the file
     */
    public LogMel features(Path file) throws IOException {
        return frontEnd.fromFile(file); // the decoders reject non-finite samples themselves
    }

    private List<LogMel> features(float[][] clips, int sampleRate) {
        LogMel[] out = new LogMel[clips.length];
        RuntimeException[] failed = new RuntimeException[clips.length];
        backend.pool().parallelFor(clips.length, i -> {
            try {
                out[i] = features(clips[i], sampleRate);
            } catch (RuntimeException e) {
                failed[i] = e;
            }
        });
        for (RuntimeException e : failed) {
            if (e != null) throw e;
        }
        return Arrays.asList(out);
    }

    /** The index of the first NaN or infinite sample, or -1 (the front end would turn them into finite garbage). */
    private static int firstNonFinite(float[] samples) {
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) return i;
        }
        return -1;
    }

    // ---- forward passes -------------------------------------------------------------------------------------

    /** Rows of probabilities ({@code embed} false) or embeddings, one per spectrogram. */
    private float[][] run(List<LogMel> features, boolean embed) {
        int bins = model.config().inputFdim();
        for (int i = 0; i < features.size(); i++) {
            LogMel m = features.get(i);
            if (m.bins() != bins || m.frames() < model.minFrames()) {
                throw new IllegalArgumentException("spectrogram " + i + " is " + m.frames() + " x " + m.bins()
                        + "; the model needs " + bins + " mel bins and at least " + model.minFrames() + " frames");
            }
        }
        float[][] out = new float[features.size()][];
        ClassifierScratch scratch = acquire();
        try {
            int i = 0;
            while (i < features.size()) {
                int frames = features.get(i).frames();
                int end = i + 1;
                while (end < features.size() && end - i < options.maxBatch()
                        && features.get(end).frames() == frames) {
                    end++;
                }
                forwardBatch(scratch, features.subList(i, end), embed, out, i);
                i = end;
            }
        } finally {
            idle.push(scratch);
        }
        return out;
    }

    /** One forward pass over spectrograms of equal length; rows go to {@code out[at...]}. */
    private void forwardBatch(ClassifierScratch scratch, List<LogMel> batch, boolean embed, float[][] out, int at) {
        Workspace io = scratch.io;
        try {
            int b = batch.size();
            Tensor x = io.allocate(b, batch.getFirst().frames(), batch.getFirst().bins());
            for (int k = 0; k < b; k++) batch.get(k).copyInto(x.select(0, k));
            Tensor y;
            if (embed) {
                y = io.allocate(b, model.embeddingDim());
                model.embed(x, y, scratch.activations);
            } else {
                y = io.allocate(b, model.numClasses());
                model.forward(x, y, scratch.activations);
                toProbabilities(y);
            }
            for (int k = 0; k < b; k++) out[at + k] = y.select(0, k).toArray();
        } finally {
            io.reset();
        }
    }

    private void toProbabilities(Tensor logits) {
        switch (options.scores()) {
            case SOFTMAX -> backend.softmax(logits, logits);
            case SIGMOID -> {
                for (long i = 0; i < logits.size(); i++) {
                    logits.setFlat(i, (float) (1 / (1 + Math.exp(-logits.getFlat(i)))));
                }
            }
        }
    }

    private ClassifierScratch acquire() {
        if (closed) throw new IllegalStateException(source + ": classifier is closed");
        ClassifierScratch s = idle.pollFirst();
        if (s == null) {
            s = new ClassifierScratch();
            scratches.add(s);
        }
        return s;
    }

    // ---- inspection -----------------------------------------------------------------------------------------

    /** Labels and front-end settings from the model file. */
    public ModelInfo info() {
        return loaded.info();
    }

    /** The front-end settings in use (the file's, or the override from the options). */
    public FrontendSettings frontendSettings() {
        return settings;
    }

    /** The front end in use. */
    public AudioFrontEnd frontEnd() {
        return frontEnd;
    }

    public ModelConfig config() {
        return model.config();
    }

    public ClassifierOptions options() {
        return options;
    }

    /** Classes of the head; 0 for an embeddings-only model. */
    public int numClasses() {
        return model.numClasses();
    }

    public int embeddingDim() {
        return model.embeddingDim();
    }

    /** Scratch sets created so far: the most calls that were ever in flight at once. */
    public int scratchCount() {
        return scratches.size();
    }

    /** Off-heap scratch bytes held between calls (read it while no call is in flight). */
    public long scratchBytes() {
        long total = 0;
        for (ClassifierScratch s : scratches) total += s.capacityBytes();
        return total;
    }

    /** Frees the scratch memory, the model and its thread pool. Must not race with calls; idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (ClassifierScratch s : scratches) s.close();
        idle.clear();
        loaded.close();
        backend.close();
    }
}
