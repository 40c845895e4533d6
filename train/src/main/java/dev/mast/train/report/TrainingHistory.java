package dev.mast.train.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Per-epoch training figures, in order. Stored as CSV (in the run folder for people and inside every checkpoint so
 * that a resumed run continues the same curves).
 */
public final class TrainingHistory {
    /**
     * One epoch. NaN marks a figure that was not measured (e.g. training accuracy under mixup).
     *
     * @param epoch              1-based epoch number
     * @param trainLoss          mean training loss
     * @param trainAccuracy      training accuracy (fraction)
     * @param validationLoss     validation loss
     * @param validationAccuracy validation accuracy (fraction)
     * @param learningRate       learning rate at the end of the epoch
     * @param seconds            wall time of the epoch, validation included
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                        double validationAccuracy, double learningRate, double seconds) {}

    private static final String HEADER =
            "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds";

    private final List<Epoch> epochs = new ArrayList<>();

    public void add(Epoch e) {
        epochs.add(e);
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public boolean isEmpty() {
        return epochs.isEmpty();
    }

    /** The epoch with the highest validation accuracy (the first of equals), or null if none was measured. */
    public Epoch best() {
        Epoch best = null;
        for (Epoch e : epochs) {
            double acc = e.validationAccuracy();
            if (!Double.isNaN(acc) && (best == null || acc > best.validationAccuracy())) best = e;
        }
        return best;
    }

    /** CSV with a header line; NaN is written as an empty field; numbers round-trip exactly. */
    public String toCsv() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Epoch e : epochs) {
            b.append(e.epoch()).append(',').append(field(e.trainLoss())).append(',').append(field(e.trainAccuracy()))
                    .append(',').append(field(e.validationLoss())).append(',').append(field(e.validationAccuracy()))
                    .append(',').append(field(e.learningRate())).append(',').append(field(e.seconds())).append('\n');
        }
        return b.toString();
    }

    /** Parses what {@link #toCsv()} wrote. */
    public static TrainingHistory fromCsv(String csv) {
        TrainingHistory h = new TrainingHistory();
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new IllegalArgumentException("training history CSV must start with '" + HEADER + "'");
        }
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            String[] f = lines[i].split(",", -1);
            if (f.length != 7) throw new IllegalArgumentException("training history line " + (i + 1) + " has "
                    + f.length + " fields, expected 7");
            try {
                h.add(new Epoch(Integer.parseInt(f[0].strip()), parse(f[1]), parse(f[2]), parse(f[3]), parse(f[4]),
                        parse(f[5]), parse(f[6])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training history line " + (i + 1) + ": bad number ("
                        + e.getMessage() + ")");
            }
        }
        return h;
    }

    private static String field(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%s", x);
    }

    private static double parse(String s) {
        return s.isBlank() ? Double.NaN : Double.parseDouble(s.strip());
    }
}
