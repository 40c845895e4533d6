package dev.mast.train.features;

import dev.mast.train.augment.Example;
import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.data.BatchPipeline;

import java.io.IOException;

/**
 * Un-augmented examples for validation, test and {@code mast eval}: clip i's plain features (cached if the clips
 * have a cache), normalised, with its one-hot target, in clip order (the epoch argument is ignored). This is exactly
 * what {@code mast classify} computes for a file, so evaluation figures carry over.
 */
public final class EvaluationExamples implements BatchPipeline.ExampleSource {
    private final DatasetClips clips;
    private final ExampleAugmenter.FrontEnd frontEnd;
    private final ExampleAugmenter.Normalizer normalizer;

    public EvaluationExamples(DatasetClips clips, ExampleAugmenter.FrontEnd frontEnd,
                              ExampleAugmenter.Normalizer normalizer) {
        this.clips = clips;
        this.frontEnd = frontEnd;
        this.normalizer = normalizer;
    }

    public int size() {
        return clips.size();
    }

    @Override
    public Example example(int epoch, int position) throws IOException {
        float[] features = clips.features(position, frontEnd);
        normalizer.normalize(features);
        return new Example(features, frontEnd.frames(), frontEnd.bins(), clips.target(position).clone());
    }
}
