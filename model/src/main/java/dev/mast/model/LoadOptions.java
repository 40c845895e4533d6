package dev.mast.model;

import dev.mast.model.layer.RelPosMode;

/**
 * How {@link ModelLoader} builds a model.
 *
 * @param relPos         what to do when a clip needs rel-pos indices beyond an imported table
 * @param copyParameters copy parameter values into memory the model owns (writable, needed for training);
 *                       otherwise F32 parameters are read-only views of the memory-mapped file
 */
public record LoadOptions(RelPosMode relPos, boolean copyParameters) {
    /** Inference defaults: extended rel-pos mode, parameters viewed in place. */
    public static LoadOptions defaults() {
        return new LoadOptions(RelPosMode.EXTENDED, false);
    }

    public LoadOptions withRelPos(RelPosMode mode) {
        return new LoadOptions(mode, copyParameters);
    }

    public LoadOptions withCopyParameters(boolean copy) {
        return new LoadOptions(relPos, copy);
    }
}
