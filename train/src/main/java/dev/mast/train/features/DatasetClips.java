package dev.mast.train.features;

import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.data.Clip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The clips of one split as the pipeline's {@link ExampleAugmenter.ClipSource}: decoded on demand with
 * {@link ClipAudio} (nothing is held in memory, so any data set size works), one-hot targets, and the plain features
 * served from a {@link FeatureCache} when one is given. Thread-safe.
 */
public final class DatasetClips implements ExampleAugmenter.ClipSource {
    private final Path root;
    private final List<Clip> clips;
    private final float[][] oneHot;
    private final FeatureCache cache;

    /**
     * @param root    the data set folder clip paths are relative to
     * @param clips   the clips, labels in 0..classes−1
     * @param classes length of the target rows
     * @param cache   where plain features are cached, or null
     */
    public DatasetClips(Path root, List<Clip> clips, int classes, FeatureCache cache) {
        this.root = root;
        this.clips = List.copyOf(clips);
        this.oneHot = new float[classes][classes];
        for (int k = 0; k < classes; k++) oneHot[k][k] = 1;
        for (Clip c : this.clips) {
            if (c.label() < 0 || c.label() >= classes) {
                throw new IllegalArgumentException("clip " + c.path() + " has label " + c.label() + " of " + classes
                        + " classes");
            }
        }
        this.cache = cache;
    }

    @Override
    public int size() {
        return clips.size();
    }

    /** The audio file of clip {@code i}. */
    public Path file(int i) {
        return root.resolve(clips.get(i).path());
    }

    @Override
    public float[] waveform(int clip) throws IOException {
        return ClipAudio.read(file(clip), clips.get(clip));
    }

    @Override
    public float[] target(int clip) {
        return oneHot[clips.get(clip).label()];
    }

    @Override
    public float[] features(int clip, ExampleAugmenter.FrontEnd frontEnd) throws IOException {
        if (cache == null || frontEnd.cacheKey() == null) return frontEnd.features(waveform(clip));
        return cache.features(file(clip), clips.get(clip), frontEnd, () -> frontEnd.features(waveform(clip)));
    }
}
