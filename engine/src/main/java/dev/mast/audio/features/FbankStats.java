package dev.mast.audio.features;

/**
 * Running mean and standard deviation of log-mel values over a data set, for {@link FeatureNormalizer} (AST's
 * recipe, spec §1.2: statistics of the un-normalised features of the training set, without augmentation).
 *
 * <p>Each spectrogram's sum and sum of squared deviations from its own mean are computed in double and combined
 * with Chan's parallel formula, so the result does not depend on how files were grouped, only on their order
 * (combine partial results in a fixed order for reproducible output). Not thread-safe; use one per thread and
 * {@link #merge}.
 */
public final class FbankStats {
    private long count;
    private double mean;
    /** Sum of squared deviations from {@link #mean}. */
    private double m2;
    private int files;

    /** Adds every value of one spectrogram (one file). */
    public void add(LogMel m) {
        float[] v = m.data();
        if (v.length == 0) {
            files++;
            return;
        }
        double sum = 0;
        for (float x : v) sum += x;
        double localMean = sum / v.length, localM2 = 0;
        for (float x : v) {
            double d = x - localMean;
            localM2 += d * d;
        }
        combine(v.length, localMean, localM2);
        files++;
    }

    /** Adds the values another accumulator has seen. */
    public void merge(FbankStats other) {
        if (other.count > 0) combine(other.count, other.mean, other.m2);
        files += other.files;
    }

    private void combine(long n, double otherMean, double otherM2) {
        long total = count + n;
        double delta = otherMean - mean;
        mean += delta * n / total;
        m2 += otherM2 + delta * delta * ((double) count * n / total);
        count = total;
    }

    /** Values seen. */
    public long count() {
        return count;
    }

    /** Spectrograms (files) seen. */
    public int files() {
        return files;
    }

    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** Population standard deviation (divides by the count; over millions of values the choice does not matter). */
    public double std() {
        return count == 0 ? Double.NaN : Math.sqrt(m2 / count);
    }

    /** The normaliser these statistics define. */
    public FeatureNormalizer normalizer() {
        return new FeatureNormalizer((float) mean(), (float) std());
    }
}
