package dev.mast.train.data;

import dev.mast.train.augment.Example;
import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.random.EpochShuffle;
import dev.mast.train.random.SampleKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds mini-batches on worker threads ahead of the training loop (decode, augmentation and front end run there),
 * and hands them out strictly in order. Which example lands where depends only on (epoch, position), never on the
 * number of workers or on timing; starting an epoch at a later batch (a resumed run) yields exactly the batches the
 * full epoch would have yielded from there.
 *
 * <p>Each batch is one task; at most {@code prefetch} batches are being built or waiting at any time, which bounds
 * memory. An {@link IOException} from the source (a bad audio file) is rethrown by {@link Epoch#next()} with its
 * original one-line message.
 */
public final class BatchPipeline implements AutoCloseable {
    /** Produces the example at {@code position} of {@code epoch}'s order. */
    @FunctionalInterface
    public interface ExampleSource {
        Example example(int epoch, int position) throws IOException;
    }

    /**
     * A batch: {@code size} examples (the last batch of an epoch may be smaller), features row-major
     * (size, frames, bins), targets (size, classes), and the epoch positions they came from.
     */
    public record Batch(int epoch, int index, int size, int frames, int bins, float[] features, float[] targets,
                        int[] positions) {}

    private final ExampleSource source;
    private final int count;
    private final int batchSize;
    private final int prefetch;
    private final ExecutorService workers;

    /**
     * @param source    the examples
     * @param count     examples per epoch
     * @param batchSize examples per batch
     * @param threads   worker threads (at least 1)
     * @param prefetch  batches built ahead (at least 1)
     */
    public BatchPipeline(ExampleSource source, int count, int batchSize, int threads, int prefetch) {
        if (count < 1 || batchSize < 1 || threads < 1 || prefetch < 1) {
            throw new IllegalArgumentException("need count, batch size, threads and prefetch >= 1, got " + count + ", "
                    + batchSize + ", " + threads + ", " + prefetch);
        }
        this.source = source;
        this.count = count;
        this.batchSize = batchSize;
        this.prefetch = prefetch;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mast-data-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The training pipeline: epoch {@code e} visits the clips in {@link EpochShuffle#order}(seed, e, clips) and
     * augments position p with {@code SampleKey(seed, e, p)}.
     */
    public static BatchPipeline training(ExampleAugmenter augmenter, int clips, long seed, int batchSize, int threads,
                                         int prefetch) {
        return new BatchPipeline(new ShuffledTraining(augmenter, clips, seed), clips, batchSize, threads, prefetch);
    }

    /** Training examples in each epoch's shuffled order; the order of the current epoch is computed once. */
    private static final class ShuffledTraining implements ExampleSource {
        private final ExampleAugmenter augmenter;
        private final int clips;
        private final long seed;
        private int orderEpoch = -1;
        private int[] order;

        ShuffledTraining(ExampleAugmenter augmenter, int clips, long seed) {
            this.augmenter = augmenter;
            this.clips = clips;
            this.seed = seed;
        }

        private synchronized int clipAt(int epoch, int position) {
            if (orderEpoch != epoch) {
                order = EpochShuffle.order(seed, epoch, clips);
                orderEpoch = epoch;
            }
            return order[position];
        }

        @Override
        public Example example(int epoch, int position) throws IOException {
            return augmenter.training(new SampleKey(seed, epoch, position), clipAt(epoch, position));
        }
    }

    /** Batches per epoch (the last one may be partial). */
    public int batchesPerEpoch() {
        return (count + batchSize - 1) / batchSize;
    }

    /** Starts handing out {@code epoch}'s batches from batch {@code firstBatch}. Close it (or drain it) when done. */
    public Epoch epoch(int epoch, int firstBatch) {
        if (firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + firstBatch + " of an epoch of " + batchesPerEpoch());
        }
        return new Epoch(epoch, firstBatch);
    }

    /** The batches of one epoch, in order. */
    public final class Epoch implements AutoCloseable {
        private final int epoch;
        private final Deque<Future<Batch>> inFlight = new ArrayDeque<>();
        private int nextToSubmit;
        private int nextToReturn;

        private Epoch(int epoch, int firstBatch) {
            this.epoch = epoch;
            this.nextToSubmit = firstBatch;
            this.nextToReturn = firstBatch;
            while (inFlight.size() < prefetch && nextToSubmit < batchesPerEpoch()) submit();
        }

        public boolean hasNext() {
            return nextToReturn < batchesPerEpoch();
        }

        /** The next batch; waits for it if the workers are behind. */
        public Batch next() throws IOException {
            if (!hasNext()) throw new IllegalStateException("epoch " + epoch + " has no more batches");
            Future<Batch> f = inFlight.poll();
            nextToReturn++;
            if (nextToSubmit < batchesPerEpoch()) submit();
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a batch", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IOException(e.getCause());
            }
        }

        private void submit() {
            int index = nextToSubmit++;
            inFlight.add(workers.submit(() -> build(epoch, index)));
        }

        /** Cancels the batches still being built (e.g. when training stops early). */
        @Override
        public void close() {
            for (Future<Batch> f : inFlight) f.cancel(true);
            for (Future<Batch> f : inFlight) {
                try {
                    f.get();
                } catch (CancellationException | ExecutionException e) {
                    // cancelled or failed: either way nothing of it is needed any more
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            inFlight.clear();
        }
    }

    private Batch build(int epoch, int index) {
        int start = index * batchSize, size = Math.min(batchSize, count - start);
        float[] features = null, targets = null;
        int frames = 0, bins = 0, classes = 0;
        int[] positions = new int[size];
        for (int i = 0; i < size; i++) {
            Example ex;
            try {
                ex = source.example(epoch, start + i);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (features == null) {
                frames = ex.frames();
                bins = ex.bins();
                classes = ex.target().length;
                features = new float[size * frames * bins];
                targets = new float[size * classes];
            } else if (ex.frames() != frames || ex.bins() != bins || ex.target().length != classes) {
                throw new IllegalStateException("example " + (start + i) + " of epoch " + epoch + " has shape "
                        + ex.frames() + " x " + ex.bins() + " / " + ex.target().length + " classes, the batch "
                        + frames + " x " + bins + " / " + classes);
            }
            System.arraycopy(ex.features(), 0, features, i * frames * bins, frames * bins);
            System.arraycopy(ex.target(), 0, targets, i * classes, classes);
            positions[i] = start + i;
        }
        return new Batch(epoch, index, size, frames, bins, features, targets, positions);
    }

    /** Stops the workers. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
