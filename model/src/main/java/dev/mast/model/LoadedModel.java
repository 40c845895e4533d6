package dev.mast.model;

/** A model read from a file with what the file says about it. Closing it closes the model. */
public record LoadedModel(AudioModel model, ModelInfo info) implements AutoCloseable {
    @Override
    public void close() {
        model.close();
    }
}
