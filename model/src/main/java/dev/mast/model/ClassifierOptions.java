package dev.mast.model;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.model.backend.Backends;

/**
 * How a {@link Classifier} runs. Start from {@link #defaults()} and change fields with the {@code with*} methods.
 *
 * @param threads  threads of the engine pool one call's operators run on (the caller included); default: the number
 *                 of available processors. Concurrent callers beyond the first run their operators on their own
 *                 threads (see {@link Classifier})
 * @param topK     how many classes {@link Classification#top()} lists; default 5
 * @param maxBatch most clips per forward pass in the batch methods (bounds scratch memory); default 8
 * @param scores   how logits become probabilities; default {@link Scores#SOFTMAX}
 * @param frontend front-end settings to use instead of the model file's (required when the file has none), or null
 * @param backend  where the model runs: "java" or "onednn" ({@link Backends}); default null, the fastest available
 *                 (oneDNN when it loads, else Java after a one-line notice on stderr)
 */
public record ClassifierOptions(int threads, int topK, int maxBatch, Scores scores, FrontendSettings frontend,
                                String backend) {
    /** How logits become probabilities. */
    public enum Scores {
        /** Softmax over the classes: single-label models (Speech Commands, ESC-50). */
        SOFTMAX,
        /** Independent sigmoid per class: multi-label models trained with BCE (AudioSet). */
        SIGMOID
    }

    public ClassifierOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (topK < 1) throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        if (scores == null) throw new IllegalArgumentException("scores must not be null");
        Backends.checkName(backend);
    }

    public static ClassifierOptions defaults() {
        return new ClassifierOptions(EnginePool.defaultThreads(), 5, 8, Scores.SOFTMAX, null, null);
    }

    public ClassifierOptions withThreads(int n) {
        return new ClassifierOptions(n, topK, maxBatch, scores, frontend, backend);
    }

    public ClassifierOptions withTopK(int k) {
        return new ClassifierOptions(threads, k, maxBatch, scores, frontend, backend);
    }

    public ClassifierOptions withMaxBatch(int n) {
        return new ClassifierOptions(threads, topK, n, scores, frontend, backend);
    }

    public ClassifierOptions withScores(Scores s) {
        return new ClassifierOptions(threads, topK, maxBatch, s, frontend, backend);
    }

    public ClassifierOptions withFrontend(FrontendSettings f) {
        return new ClassifierOptions(threads, topK, maxBatch, scores, f, backend);
    }

    /** @param name "java", "onednn", or null for the fastest available */
    public ClassifierOptions withBackend(String name) {
        return new ClassifierOptions(threads, topK, maxBatch, scores, frontend, name);
    }
}
