package dev.mast.model;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.ClipTooShortException;
import dev.mast.audio.TestWavs;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.audio.features.LogMel;
import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The embedded classifier against the model's own forward pass and the front end, on a micro16 model file. */
class ClassifierTest {
    static final int CLASSES = 6, RATE = 16000, TARGET = 48;
    static final List<String> LABELS = List.of("zero", "one", "two", "three", "four", "five");
    static final FrontendSettings FRONTEND = new FrontendSettings("kaldi", RATE, TARGET, -6.845978f,
            2 * 5.5654526f);

    @TempDir
    static Path dir;
    static Path modelFile;
    static Classifier classifier;

    /** Writes a micro16 model file with random weights, labels and front-end settings. */
    static Path writeModel(Path file, int classes, List<String> labels, FrontendSettings fe, long seed)
            throws IOException {
        try (JavaBackend be = new JavaBackend(1);
             MastModel m = new MastModel(MastConfig.preset("micro16").withNumClasses(classes), new RandomInit(seed),
                     be, RelPosMode.EXTENDED)) {
            ModelFile.save(file, m, new ModelInfo(labels, fe));
        }
        return file;
    }

    @BeforeAll
    static void open() throws IOException {
        modelFile = writeModel(dir.resolve("micro16.safetensors"), CLASSES, LABELS, FRONTEND, 11);
        classifier = Classifier.open(modelFile, ClassifierOptions.defaults().withThreads(2).withTopK(3));
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    static float[] clip(double hz, int samples, long seed) {
        return TestClips.floats(TestWavs.tone(hz, samples, RATE, seed));
    }

    @Test
    void featuresAreTheFileFrontEnd() {
        float[] pcm = clip(440, 7000, 1);
        // The file stores AST's divisor 2σ; FeatureNormalizer takes σ.
        LogMel expected = AudioFrontEnd.ast(FeatureNormalizer.SPEECH_COMMANDS, TARGET).fromSamples(pcm, RATE);
        LogMel got = classifier.features(pcm, RATE);
        assertEquals(TARGET, got.frames());
        assertArrayEquals(expected.data(), got.data());
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheForwardLogits() throws IOException {
        float[][] clips = {clip(300, 12000, 2), clip(1200, 20000, 3), clip(3000, 5000, 4)};
        try (JavaBackend be = new JavaBackend(1);
             LoadedModel ref = ModelLoader.load(modelFile, be, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            for (float[] pcm : clips) {
                LogMel m = classifier.features(pcm, RATE);
                Tensor x = arena.allocate(1, m.frames(), m.bins()).copyFrom(m.data());
                Tensor logits = arena.allocate(1, CLASSES);
                ref.model().forward(x, logits, ws);
                double[] expected = softmax(logits.toArray());

                Classification c = classifier.classify(pcm, RATE);
                assertEquals(CLASSES, c.numClasses());
                double sum = 0;
                for (int k = 0; k < CLASSES; k++) {
                    assertEquals(expected[k], c.probability(k), 1e-6, "class " + k);
                    sum += c.probability(k);
                }
                assertEquals(1.0, sum, 1e-5);
                // top-k: the 3 largest, descending, with the file's labels
                List<Prediction> top = c.top();
                assertEquals(3, top.size());
                int[] order = argsortDescending(expected);
                for (int i = 0; i < 3; i++) {
                    assertEquals(order[i], top.get(i).index());
                    assertEquals(LABELS.get(order[i]), top.get(i).label());
                    assertEquals(c.probability(order[i]), top.get(i).probability());
                }
                assertEquals(top.getFirst(), c.best());
                assertEquals(CLASSES, c.top(100).size());
            }
        }
    }

    /** The PyTorch reference's micro16 weights and logits (fixtures/mast): probabilities against its softmax. */
    @Test
    void referenceWeightsGiveTheReferenceProbabilities() throws IOException {
        Path fixture = Fixtures.resource("fixtures/mast/micro16_T128");
        NpyArray input = Npy.read(fixture.resolve("input.npy"));   // (2, 128, 128) spectrograms
        NpyArray logits = Npy.read(fixture.resolve("logits.npy")); // (2, 35) from PyTorch
        Path file = dir.resolve("reference.safetensors");
        try (JavaBackend be = new JavaBackend(1);
             LoadedModel ref = ModelLoader.load(fixture.resolve("weights.safetensors"), be, LoadOptions.defaults())) {
            ModelFile.save(file, ref.model(), new ModelInfo(List.of(), FrontendSettings.speechCommands()));
        }
        int frames = input.shape()[1], bins = input.shape()[2], classes = logits.shape()[1];
        List<LogMel> clips = new ArrayList<>();
        for (int b = 0; b < input.shape()[0]; b++) {
            clips.add(new LogMel(frames, bins, Arrays.copyOfRange(input.data(), b * frames * bins,
                    (b + 1) * frames * bins)));
        }
        try (Classifier c = Classifier.open(file, ClassifierOptions.defaults().withThreads(2))) {
            List<Classification> got = c.classifyFeatures(clips);
            for (int b = 0; b < clips.size(); b++) {
                double[] expected = softmax(Arrays.copyOfRange(logits.data(), b * classes, (b + 1) * classes));
                for (int k = 0; k < classes; k++) {
                    // logits agree to 1e-4; softmax's derivative is at most 1/2, so probabilities to 5e-5
                    assertEquals(expected[k], got.get(b).probability(k), 5e-5, "clip " + b + ", class " + k);
                }
                assertEquals(Integer.toString(got.get(b).best().index()), got.get(b).best().label(),
                        "no labels: classes by number");
            }
        }
    }

    @Test
    void sigmoidScoresForMultiLabelModels() throws IOException {
        float[] pcm = clip(700, 9000, 5);
        float[] logits;
        try (JavaBackend be = new JavaBackend(1);
             LoadedModel ref = ModelLoader.load(modelFile, be, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            LogMel m = classifier.features(pcm, RATE);
            Tensor y = arena.allocate(1, CLASSES);
            ref.model().forward(arena.allocate(1, m.frames(), m.bins()).copyFrom(m.data()), y, ws);
            logits = y.toArray();
        }
        try (Classifier multi = Classifier.open(modelFile, ClassifierOptions.defaults().withThreads(1)
                .withScores(ClassifierOptions.Scores.SIGMOID))) {
            Classification c = multi.classify(pcm, RATE);
            for (int k = 0; k < CLASSES; k++) assertEquals(1 / (1 + Math.exp(-logits[k])), c.probability(k), 1e-6);
            assertEquals(5, c.top().size(), "default top-k");
        }
    }

    @Test
    void batchesEqualSingleCalls() throws IOException {
        float[][] clips = new float[7][];
        for (int i = 0; i < clips.length; i++) clips[i] = clip(200 + 450 * i, 4000 + 1500 * i, 20 + i);
        List<Classification> batch = classifier.classify(clips, RATE);
        float[][] embeddings = classifier.embed(clips, RATE);
        assertEquals(clips.length, batch.size());
        try (Classifier small = Classifier.open(modelFile, ClassifierOptions.defaults().withThreads(1)
                .withMaxBatch(3))) {
            List<Classification> chunked = small.classify(clips, RATE);
            for (int i = 0; i < clips.length; i++) {
                float[] single = classifier.classify(clips[i], RATE).probabilities();
                assertArrayEquals(single, batch.get(i).probabilities(), 1e-6f, "clip " + i);
                assertArrayEquals(single, chunked.get(i).probabilities(), 1e-6f, "clip " + i + ", batches of 3");
                assertArrayEquals(classifier.embed(clips[i], RATE), embeddings[i], 1e-6f, "embedding " + i);
            }
        }
    }

    @Test
    void spectrogramsOfDifferentLengthsAreBatchedByLength() {
        AudioFrontEnd raw = AudioFrontEnd.kaldi().withNormalizer(FeatureNormalizer.SPEECH_COMMANDS);
        List<LogMel> feats = new ArrayList<>();
        int[] samples = {6000, 6000, 9000, 6000, 9000, 9000};
        for (int i = 0; i < samples.length; i++) feats.add(raw.fromSamples(clip(500 + 100 * i, samples[i], i), RATE));
        List<Classification> all = classifier.classifyFeatures(feats);
        for (int i = 0; i < feats.size(); i++) {
            assertArrayEquals(classifier.classifyFeatures(List.of(feats.get(i))).getFirst().probabilities(),
                    all.get(i).probabilities(), 1e-6f, "spectrogram " + i);
        }
        LogMel wrongBins = new LogMel(64, 64, new float[64 * 64]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier.classifyFeatures(List.of(feats.getFirst(), wrongBins)));
        assertTrue(e.getMessage().contains("spectrogram 1 is 64 x 64"), e.getMessage());
    }

    @Test
    void embeddingsAreThePooledFeaturesOfTheModel() throws IOException {
        float[] pcm = clip(900, 10000, 6);
        try (JavaBackend be = new JavaBackend(1);
             LoadedModel ref = ModelLoader.load(modelFile, be, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            LogMel m = classifier.features(pcm, RATE);
            Tensor e = arena.allocate(1, ref.model().embeddingDim());
            ref.model().embed(arena.allocate(1, m.frames(), m.bins()).copyFrom(m.data()), e, ws);
            float[] got = classifier.embed(pcm, RATE);
            assertEquals(classifier.embeddingDim(), got.length);
            assertArrayEquals(e.toArray(), got, 1e-6f);
        }
    }

    @Test
    void filesClassifyAsTheirSamples() throws IOException {
        short[] pcm = TestWavs.tone(550, 11000, RATE, 7);
        Path wav = TestWavs.writeMono16(dir.resolve("tone.wav"), pcm, RATE);
        assertArrayEquals(classifier.classify(TestClips.floats(pcm), RATE).probabilities(),
                classifier.classify(wav).probabilities());
        assertArrayEquals(classifier.embed(TestClips.floats(pcm), RATE), classifier.embed(wav));
        // Another rate goes through the resampler.
        short[] at8k = TestWavs.tone(550, 5500, 8000, 7);
        Path wav8k = TestWavs.writeMono16(dir.resolve("tone8k.wav"), at8k, 8000);
        assertArrayEquals(classifier.classify(TestClips.floats(at8k), 8000).probabilities(),
                classifier.classify(wav8k).probabilities());
    }

    @Test
    void badAudioIsATypedErrorAndTheClassifierGoesOn() throws IOException {
        float[] good = clip(440, 8000, 8);
        float[] before = classifier.classify(good, RATE).probabilities();

        assertThrows(ClipTooShortException.class, () -> classifier.classify(new float[100], RATE));
        assertThrows(ClipTooShortException.class, () -> classifier.classify(new float[0], RATE));
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> classifier.classify(good, 10));
        assertTrue(rate.getMessage().contains("sample rate"), rate.getMessage());
        float[] nan = good.clone();
        nan[1234] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.classify(nan, RATE));
        assertEquals("sample 1234 is NaN (audio must be finite)", e.getMessage());
        float[] inf = good.clone();
        inf[10] = Float.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> classifier.embed(inf, RATE));
        // In a batch, the first bad clip's error; nothing else happens.
        assertThrows(ClipTooShortException.class, () -> classifier.classify(new float[][] {good, new float[5]}, RATE));

        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "this is not audio, just some text in a file with a .wav name\n");
        AudioFormatException bad = assertThrows(AudioFormatException.class, () -> classifier.classify(text));
        assertTrue(bad.getMessage().startsWith(text + ": "), bad.getMessage());
        Path missing = dir.resolve("missing.wav");
        bad = assertThrows(AudioFormatException.class, () -> classifier.classify(missing));
        assertTrue(bad.getMessage().startsWith(missing + ": "), bad.getMessage());
        Path tiny = TestWavs.writeMono16(dir.resolve("tiny.wav"), new short[50], RATE);
        bad = assertThrows(AudioFormatException.class, () -> classifier.embed(tiny));
        assertTrue(bad.getMessage().startsWith(tiny + ": "), bad.getMessage());

        Path nanWav = TestClips.writeFloatWav(dir.resolve("nan.wav"), nan, RATE);
        bad = assertThrows(AudioFormatException.class, () -> classifier.classify(nanWav));
        assertTrue(bad.getMessage().startsWith(nanWav + ": NaN or infinite sample"), bad.getMessage());
        assertArrayEquals(classifier.classify(good, RATE).probabilities(),
                classifier.classify(TestClips.writeFloatWav(dir.resolve("good.wav"), good, RATE)).probabilities(),
                "float WAV decodes to its samples");

        assertArrayEquals(before, classifier.classify(good, RATE).probabilities(), "still serving, same result");
    }

    @Test
    void concurrentCallersGetTheSingleThreadedResults() throws Exception {
        float[][] clips = new float[6][];
        for (int i = 0; i < clips.length; i++) clips[i] = clip(250 + 600 * i, 5000 + 2000 * i, 40 + i);
        float[][] expected = new float[clips.length][];
        float[][] expectedEmb = new float[clips.length][];
        try (Classifier single = Classifier.open(modelFile, ClassifierOptions.defaults().withThreads(1))) {
            for (int i = 0; i < clips.length; i++) {
                expected[i] = single.classify(clips[i], RATE).probabilities();
                expectedEmb[i] = single.embed(clips[i], RATE);
            }
        }
        int threads = 4;
        try (Classifier shared = Classifier.open(modelFile, ClassifierOptions.defaults().withThreads(2))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    done.add(pool.submit(() -> {
                        for (int round = 0; round < 6; round++) {
                            int i = (id + round) % clips.length;
                            assertArrayEquals(expected[i], shared.classify(clips[i], RATE).probabilities());
                            assertArrayEquals(expectedEmb[i], shared.embed(clips[i], RATE));
                            if (round % 3 == id % 3) {
                                List<Classification> all = shared.classify(clips, RATE);
                                for (int k = 0; k < clips.length; k++) {
                                    assertArrayEquals(expected[k], all.get(k).probabilities(), 1e-6f);
                                }
                            }
                            assertThrows(ClipTooShortException.class, () -> shared.classify(new float[3], RATE));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdown();
            }
            assertTrue(shared.scratchCount() >= 1 && shared.scratchCount() <= threads,
                    "one scratch set per concurrent call at most: " + shared.scratchCount());
        }
    }

    @Test
    void openErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("nope.safetensors");
        FileFormatException e = assertThrows(FileFormatException.class, () -> Classifier.open(missing));
        assertEquals(missing + ": cannot read (no such file)", e.getMessage());

        Path corrupt = dir.resolve("corrupt.safetensors");
        byte[] bytes = Files.readAllBytes(modelFile);
        Files.write(corrupt, Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(FileFormatException.class, () -> Classifier.open(corrupt));
        assertTrue(e.getMessage().startsWith(corrupt + ": "), e.getMessage());

        Path noFrontend = writeModel(dir.resolve("nofe.safetensors"), CLASSES, LABELS, null, 1);
        e = assertThrows(FileFormatException.class, () -> Classifier.open(noFrontend));
        assertTrue(e.getMessage().contains("no front-end settings"), e.getMessage());
        try (Classifier c = Classifier.open(noFrontend, ClassifierOptions.defaults().withThreads(1)
                .withFrontend(FRONTEND))) {
            assertEquals(FRONTEND, c.frontendSettings());
        }

        Path wrongLabels = writeModel(dir.resolve("labels.safetensors"), CLASSES, List.of("a", "b"), FRONTEND, 1);
        e = assertThrows(FileFormatException.class, () -> Classifier.open(wrongLabels));
        assertTrue(e.getMessage().contains("2 labels for a head of 6 classes"), e.getMessage());

        Path tooShort = writeModel(dir.resolve("short.safetensors"), CLASSES, LABELS,
                new FrontendSettings("kaldi", RATE, 8, 0f, 1f), 1);
        e = assertThrows(FileFormatException.class, () -> Classifier.open(tooShort));
        assertTrue(e.getMessage().contains("target_length 8 is shorter than the 16 frames"), e.getMessage());

        Path rate = writeModel(dir.resolve("rate.safetensors"), CLASSES, LABELS,
                new FrontendSettings("kaldi", 22050, TARGET, 0f, 1f), 1);
        e = assertThrows(FileFormatException.class, () -> Classifier.open(rate));
        assertTrue(e.getMessage().contains("sample_rate 22050 Hz is not supported"), e.getMessage());
    }

    @Test
    void embeddingModelsHaveNoClassify() throws IOException {
        Path headless = writeModel(dir.resolve("headless.safetensors"), 0, List.of(), FRONTEND, 3);
        try (Classifier c = Classifier.open(headless, ClassifierOptions.defaults().withThreads(1))) {
            float[] pcm = clip(440, 6000, 9);
            assertEquals(0, c.numClasses());
            assertEquals(256, c.embed(pcm, RATE).length);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.classify(pcm, RATE));
            assertTrue(e.getMessage().contains("use embed"), e.getMessage());
        }
    }

    @Test
    void closedClassifiersRefuseCalls() throws IOException {
        Classifier c = Classifier.open(modelFile, ClassifierOptions.defaults().withThreads(1));
        float[] pcm = clip(440, 6000, 10);
        c.classify(pcm, RATE);
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, () -> c.classify(pcm, RATE));
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    static int[] argsortDescending(double[] v) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> Double.compare(v[b], v[a])).mapToInt(Integer::intValue).toArray();
    }
}
