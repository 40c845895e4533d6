package dev.mast.model;

/**
 * One class of a {@link Classification}: its index in the model's head, its label (the index as text when the
 * model file has no labels) and its probability.
 */
public record Prediction(int index, String label, float probability) {}
