package dev.mast.train.random;

import java.util.random.RandomGenerator;

/**
 * The order in which an epoch visits the training clips: a uniformly random permutation that depends only on the
 * run's seed and the epoch, so a resumed run replays exactly the order the interrupted one used.
 */
public final class EpochShuffle {
    private EpochShuffle() {}

    /**
     * A permutation of {@code 0 .. n-1} for {@code epoch}: Fisher–Yates driven by the
     * {@link RandomStream#SHUFFLE} generator at key (seed, epoch, position 0), swapping from the last element down.
     */
    public static int[] order(long seed, int epoch, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        RandomGenerator rng = new SampleKey(seed, epoch, 0).generator(RandomStream.SHUFFLE);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
