package dev.mast.train;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.train.data.BatchPipeline;
import dev.mast.train.loss.Loss;
import dev.mast.train.report.ConfusionMatrix;
import dev.mast.train.report.ProgressBar;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model over every batch of an evaluation pipeline and collects the confusion matrix and the mean loss. The
 * batches arrive in clip order from the pipeline's workers, which build the next ones while the model runs.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @param classes class names (K, the width of the targets and logits)
     * @param bar     progress display, or null for none
     */
    public static Evaluation run(Predictor model, BatchPipeline pipeline, List<String> classes, Loss loss,
                                 ProgressBar bar, String label) throws IOException {
        int k = classes.size();
        ConfusionMatrix cm = new ConfusionMatrix(classes);
        double lossSum = 0;
        long seen = 0;
        if (bar != null) bar.start(label, pipeline.batchesPerEpoch());
        try (TensorArena arena = new TensorArena();
             BatchPipeline.Epoch batches = pipeline.epoch(0, 0)) {
            Map<Integer, Tensor[]> buffers = new HashMap<>();
            long steps = 0;
            while (batches.hasNext()) {
                BatchPipeline.Batch b = batches.next();
                Tensor[] t = buffers.computeIfAbsent(b.size(), n -> new Tensor[] {arena.allocate(n, b.frames(), b.bins()),
                        arena.allocate(n, k), arena.allocate(n, k)});
                t[0].copyFrom(b.features());
                t[1].copyFrom(b.targets());
                model.predict(t[0], t[2]);
                lossSum += loss.forward(t[2], t[1]) * b.size();
                float[] logits = t[2].toArray();
                for (int i = 0; i < b.size(); i++) {
                    cm.add(argmax(b.targets(), i * k, k), argmax(logits, i * k, k));
                }
                seen += b.size();
                steps++;
                if (bar != null) bar.update(steps, seen, lossSum / seen, cm.accuracy());
            }
            if (bar != null) bar.finish(steps, seen, seen == 0 ? Double.NaN : lossSum / seen, cm.accuracy(), "");
        }
        return new Evaluation(cm, seen == 0 ? Double.NaN : lossSum / seen);
    }

    /** Index of the largest of {@code v[from .. from + n)} (the first of equals). */
    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[from + j] > v[from + best]) best = j;
        }
        return best;
    }
}
