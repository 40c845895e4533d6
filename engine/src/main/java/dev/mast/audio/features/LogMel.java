package dev.mast.audio.features;

import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

/**
 * A log-mel spectrogram: {@code frames} rows of {@code bins} values, row-major (time, frequency), the layout of
 * AST's (T, 128) input. The array is shared, not copied.
 */
public record LogMel(int frames, int bins, float[] data) {
    public LogMel {
        if (frames < 0 || bins <= 0 || (long) frames * bins != data.length) {
            throw new IllegalArgumentException(data.length + " values do not form " + frames + " x " + bins);
        }
    }

    public float get(int frame, int bin) {
        return data[frame * bins + bin];
    }

    /** A new (frames, bins) tensor owned by {@code arena}. */
    public Tensor toTensor(TensorArena arena) {
        return arena.copyOf(data, frames, bins);
    }

    /**
     * Copies into a (frames, bins) view, e.g. one example of a (B, 1, T, F) batch: {@code batch.select(0, b)
     * .select(0, 0)}.
     */
    public void copyInto(Tensor dst) {
        if (dst.rank() != 2 || dst.dim(0) != frames || dst.dim(1) != bins) {
            throw new IllegalArgumentException("log-mel of shape " + Shapes.toString(new int[] {frames, bins})
                    + " does not fit tensor of shape " + dst.shapeString());
        }
        dst.copyFrom(data);
    }
}
