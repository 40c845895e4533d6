package dev.mast.train.features;

import dev.mast.audio.features.FbankStats;
import dev.mast.audio.features.LogMel;
import dev.mast.train.augment.ExampleAugmenter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The mean and standard deviation of the training features, for normalisation (AST's recipe, spec §1.2: statistics
 * of the un-augmented, un-normalised inputs, padded or cropped as the model sees them). Clips are processed on worker
 * threads and their statistics combined in clip order, so the result is the same for any thread count.
 */
public final class NormalizationStats {
    private NormalizationStats() {}

    /** Statistics of every clip of {@code clips} through {@code frontEnd}, on {@code threads} threads. */
    public static FbankStats compute(DatasetClips clips, ExampleAugmenter.FrontEnd frontEnd, int threads)
            throws IOException {
        if (clips.size() == 0) throw new IllegalArgumentException("no training clips to compute statistics from");
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "mast-stats");
            t.setDaemon(true);
            return t;
        });
        try {
            // One task per contiguous block of clips keeps the per-task overhead small; blocks merge in order.
            int blocks = Math.min(clips.size(), 64);
            List<Future<FbankStats>> parts = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                int from = (int) ((long) b * clips.size() / blocks), to = (int) ((long) (b + 1) * clips.size() / blocks);
                parts.add(pool.submit(() -> block(clips, frontEnd, from, to)));
            }
            FbankStats total = new FbankStats();
            for (Future<FbankStats> f : parts) total.merge(get(f));
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static FbankStats block(DatasetClips clips, ExampleAugmenter.FrontEnd frontEnd, int from, int to) {
        FbankStats s = new FbankStats();
        for (int i = from; i < to; i++) {
            try {
                s.add(new LogMel(frontEnd.frames(), frontEnd.bins(), clips.features(i, frontEnd)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s;
    }

    private static FbankStats get(Future<FbankStats> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing feature statistics", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }
}
