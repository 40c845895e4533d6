package dev.mast.train;

import dev.mast.train.report.ConfusionMatrix;

/**
 * The figures of one pass over an evaluation split.
 *
 * @param confusion true class (the target row's largest entry) against the top-1 prediction
 * @param loss      mean loss over the examples (NaN when there were none)
 */
public record Evaluation(ConfusionMatrix confusion, double loss) {
    public double accuracy() {
        return confusion.accuracy();
    }

    public long examples() {
        return confusion.total();
    }
}
