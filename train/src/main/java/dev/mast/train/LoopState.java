package dev.mast.train;

import dev.mast.engine.io.FileFormatException;
import dev.mast.train.report.TrainingHistory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the training loop carries across a checkpoint besides parameters, optimiser state and counters: the history,
 * the best validation result so far, the running sums of the epoch in progress and the time spent. Stored as the
 * checkpoint's {@code extra.*} strings; doubles are written with {@link Double#toString}, which reads back exactly,
 * so a resumed run continues the same sums bit for bit.
 */
final class LoopState {
    private final String dataFingerprint;
    private final TrainingHistory history;
    private double bestAccuracy;
    private int bestEpoch;
    private double epochLossSum;
    private long epochCorrect;
    private long epochSeen;
    private double epochSeconds;
    private double trainSeconds;
    private double dataWaitSeconds;

    private LoopState(String dataFingerprint, TrainingHistory history) {
        this.dataFingerprint = dataFingerprint;
        this.history = history;
    }

    /** The state at the start of a run. */
    static LoopState fresh(String dataFingerprint) {
        LoopState s = new LoopState(dataFingerprint, new TrainingHistory());
        s.bestAccuracy = Double.NaN;
        return s;
    }

    String dataFingerprint() {
        return dataFingerprint;
    }

    TrainingHistory history() {
        return history;
    }

    /** Adds one step's figures to the epoch's running sums. */
    void addStep(double loss, int correct, int size) {
        epochLossSum += loss * size;
        epochCorrect += correct;
        epochSeen += size;
    }

    double epochLoss() {
        return epochSeen == 0 ? Double.NaN : epochLossSum / epochSeen;
    }

    double epochAccuracy() {
        return epochSeen == 0 ? Double.NaN : (double) epochCorrect / epochSeen;
    }

    /** Wall time of the epoch in progress before this session (after a resume), in seconds. */
    double epochSecondsBefore() {
        return epochSeconds;
    }

    /** Records the time spent so far in the epoch in progress (for a checkpoint written mid-epoch). */
    void setEpochSeconds(double seconds) {
        epochSeconds = seconds;
    }

    /** Closes the epoch: appends it to the history and clears the running sums. */
    void endEpoch(TrainingHistory.Epoch e) {
        history.add(e);
        epochLossSum = 0;
        epochCorrect = 0;
        epochSeen = 0;
        epochSeconds = 0;
    }

    /** Whether {@code accuracy} beats the best so far (NaN, i.e. no validation, always counts as better). */
    boolean isBest(double accuracy) {
        return Double.isNaN(accuracy) || Double.isNaN(bestAccuracy) || accuracy > bestAccuracy;
    }

    void setBest(double accuracy, int epoch) {
        bestAccuracy = accuracy;
        bestEpoch = epoch;
    }

    double bestAccuracy() {
        return bestAccuracy;
    }

    /** 1-based epoch of the best model so far; 0 before the first epoch ends. */
    int bestEpoch() {
        return bestEpoch;
    }

    void addTime(double trainSecondsDelta, double dataWaitDelta) {
        trainSeconds += trainSecondsDelta;
        dataWaitSeconds += dataWaitDelta;
    }

    double trainSeconds() {
        return trainSeconds;
    }

    double dataWaitSeconds() {
        return dataWaitSeconds;
    }

    Map<String, String> toExtras() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data_fingerprint", dataFingerprint);
        m.put("history", history.toCsv());
        m.put("best_accuracy", Double.toString(bestAccuracy));
        m.put("best_epoch", Integer.toString(bestEpoch));
        m.put("epoch_loss_sum", Double.toString(epochLossSum));
        m.put("epoch_correct", Long.toString(epochCorrect));
        m.put("epoch_seen", Long.toString(epochSeen));
        m.put("epoch_seconds", Double.toString(epochSeconds));
        m.put("train_seconds", Double.toString(trainSeconds));
        m.put("data_wait_seconds", Double.toString(dataWaitSeconds));
        return m;
    }

    /** Reads what {@link #toExtras()} wrote into checkpoint {@code source}. */
    static LoopState fromExtras(Map<String, String> extra, String source) throws FileFormatException {
        try {
            LoopState s = new LoopState(get(extra, "data_fingerprint", source),
                    TrainingHistory.fromCsv(get(extra, "history", source)));
            s.bestAccuracy = Double.parseDouble(get(extra, "best_accuracy", source));
            s.bestEpoch = Integer.parseInt(get(extra, "best_epoch", source));
            s.epochLossSum = Double.parseDouble(get(extra, "epoch_loss_sum", source));
            s.epochCorrect = Long.parseLong(get(extra, "epoch_correct", source));
            s.epochSeen = Long.parseLong(get(extra, "epoch_seen", source));
            s.epochSeconds = Double.parseDouble(get(extra, "epoch_seconds", source));
            s.trainSeconds = Double.parseDouble(get(extra, "train_seconds", source));
            s.dataWaitSeconds = Double.parseDouble(get(extra, "data_wait_seconds", source));
            return s;
        } catch (IllegalArgumentException e) { // NumberFormatException and bad history CSV included
            throw new FileFormatException(source, "bad training-loop state (" + e.getMessage() + ")");
        }
    }

    private static String get(Map<String, String> extra, String key, String source) throws FileFormatException {
        String v = extra.get(key);
        if (v == null) throw new FileFormatException(source, "no training-loop entry 'extra." + key + "'");
        return v;
    }
}
