package dev.mast.train.features;

import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.model.FrontendSettings;
import dev.mast.train.augment.ExampleAugmenter;

/**
 * The normalisation {@code (x − mean) / std} of a {@link FrontendSettings} (whose {@code std} is AST's 2·σ) as a
 * pipeline step, computed with exactly the float operations of {@link FeatureNormalizer}, so that training, {@code
 * mast eval} and {@code mast classify} see identical inputs.
 */
public final class FeatureNormalization implements ExampleAugmenter.Normalizer {
    private final FeatureNormalizer normalizer;

    /**
     * @param mean the data set's mean log-mel value
     * @param std  the divisor (2·σ in AST's recipe), positive
     */
    public FeatureNormalization(float mean, float std) {
        // FeatureNormalizer divides by 2·σ; halving and doubling a float are exact, so the divisor is std itself.
        this.normalizer = new FeatureNormalizer(mean, std / 2);
    }

    public static FeatureNormalization of(FrontendSettings settings) {
        return new FeatureNormalization(settings.normMean(), settings.normStd());
    }

    @Override
    public void normalize(float[] features) {
        normalizer.applyInPlace(features);
    }
}
