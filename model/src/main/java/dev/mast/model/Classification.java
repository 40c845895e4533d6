package dev.mast.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The result of classifying one clip: the probability of every class and the top-k of them. Immutable.
 *
 * <p>Probabilities are the softmax of the logits ({@link ClassifierOptions.Scores#SOFTMAX}, single-label models;
 * they sum to 1) or the per-class sigmoid ({@link ClassifierOptions.Scores#SIGMOID}, multi-label models such as
 * AudioSet's). Top-k order: probability descending, ties by class index ascending.
 */
public final class Classification {
    private final ModelInfo info;
    private final float[] probabilities;
    private final List<Prediction> top;

    Classification(ModelInfo info, float[] probabilities, int topK) {
        this.info = info;
        this.probabilities = probabilities;
        this.top = top(topK);
    }

    /** The top-k predictions, k from {@link ClassifierOptions#topK()} (at most the number of classes). */
    public List<Prediction> top() {
        return top;
    }

    /** The {@code k} most probable classes (all of them when {@code k} exceeds the class count). */
    public List<Prediction> top(int k) {
        if (k < 1) throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        int n = Math.min(k, probabilities.length);
        Integer[] order = new Integer[probabilities.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(probabilities[b], probabilities[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = order[i];
            out.add(new Prediction(c, info.label(c), probabilities[c]));
        }
        return List.copyOf(out);
    }

    /** The most probable class. */
    public Prediction best() {
        return top.getFirst();
    }

    /** Number of classes. */
    public int numClasses() {
        return probabilities.length;
    }

    /** The probability of class {@code k}. */
    public float probability(int k) {
        return probabilities[k];
    }

    /** Every class's probability, in head order (a copy). */
    public float[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public String toString() {
        return "Classification" + top;
    }
}
