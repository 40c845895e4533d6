package dev.mast.train;

/**
 * Builds the model a run trains. {@link AudioTrainingModel#create} is the real one (MAST and AST); tests plug in
 * small models of their own.
 */
@FunctionalInterface
public interface TrainingModelFactory {
    /** A freshly initialised model for {@code spec}; throws IllegalArgumentException for an unknown name. */
    TrainingModel create(ModelSpec spec);
}
