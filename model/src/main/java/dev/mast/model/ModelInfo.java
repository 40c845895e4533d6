package dev.mast.model;

import java.util.List;

/**
 * What a model file says beside the weights: class labels (may be empty: then classes are numbered) and the
 * front-end settings (null when the file has none, e.g. an imported checkpoint).
 */
public record ModelInfo(List<String> labels, FrontendSettings frontend) {
    public ModelInfo {
        labels = List.copyOf(labels);
    }

    public static ModelInfo empty() {
        return new ModelInfo(List.of(), null);
    }

    /** The label of class {@code k}, or its number when there are no labels. */
    public String label(int k) {
        return k < labels.size() ? labels.get(k) : Integer.toString(k);
    }
}
