package dev.mast.train;

import dev.mast.engine.io.JsonFields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a run optimises: AdamW with a cosine schedule after a linear warm-up, one optimiser step per mini-batch.
 *
 * @param epochs         passes over the training set
 * @param batch          clips per mini-batch
 * @param lr             peak learning rate (reached at the end of the warm-up)
 * @param minLr          learning rate the cosine decays to
 * @param warmupEpochs   length of the linear warm-up in epochs (fractions allowed)
 * @param weightDecay    AdamW's decoupled weight decay (not applied to norms, biases, rel-pos tables, embeddings)
 * @param labelSmoothing cross-entropy label smoothing ε
 * @param clipNorm       gradient clipping to this global L2 norm; 0: no clipping
 * @param loss           "ce" (softmax cross-entropy) or "bce" (multi-label binary cross-entropy)
 * @param dropPath       stochastic depth: the last block's drop probability (timm's linear rule), in [0, 1)
 */
public record OptimSettings(int epochs, int batch, double lr, double minLr, double warmupEpochs, double weightDecay,
                            double labelSmoothing, double clipNorm, String loss, double dropPath) {
    public OptimSettings {
        if (epochs < 1 || batch < 1) throw new IllegalArgumentException("epochs and batch must be at least 1");
        if (!(lr > 0) || !(minLr >= 0) || minLr > lr) {
            throw new IllegalArgumentException("need a learning rate > 0 and 0 <= minimum <= it, got " + lr + " and " + minLr);
        }
        if (!(warmupEpochs >= 0) || warmupEpochs >= epochs) {
            throw new IllegalArgumentException("warm-up must be shorter than the run (" + warmupEpochs + " of " + epochs
                    + " epochs)");
        }
        if (!(weightDecay >= 0) || !(clipNorm >= 0)) {
            throw new IllegalArgumentException("weight decay and clip norm must not be negative");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (!loss.equals("ce") && !loss.equals("bce")) {
            throw new IllegalArgumentException("loss must be ce or bce, got '" + loss + "'");
        }
        if (!(dropPath >= 0 && dropPath < 1)) {
            throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + dropPath);
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("min_lr", minLr);
        m.put("warmup_epochs", warmupEpochs);
        m.put("weight_decay", weightDecay);
        m.put("label_smoothing", labelSmoothing);
        m.put("clip_norm", clipNorm);
        m.put("loss", loss);
        m.put("drop_path", dropPath);
        return m;
    }

    public static OptimSettings fromJson(JsonFields f) {
        return new OptimSettings((int) f.integer("epochs", 1, 1 << 20), (int) f.integer("batch", 1, 1 << 20),
                f.number("lr"), f.number("min_lr"), f.number("warmup_epochs"), f.number("weight_decay"),
                f.number("label_smoothing"), f.number("clip_norm"), f.string("loss"),
                f.number("drop_path", 0));
    }
}
