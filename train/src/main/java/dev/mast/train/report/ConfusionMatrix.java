package dev.mast.train.report;

import dev.mast.engine.io.Json;

import java.util.List;
import java.util.Locale;

/**
 * Counts of (true class, predicted class) pairs over an evaluation, with accuracy and per-class precision, recall
 * and F1, and a plain-text table. Rows are true classes, columns predictions.
 */
public final class ConfusionMatrix {
    private final List<String> classes;
    private final long[][] counts;

    public ConfusionMatrix(List<String> classes) {
        if (classes.isEmpty()) throw new IllegalArgumentException("a confusion matrix needs at least one class");
        this.classes = List.copyOf(classes);
        this.counts = new long[classes.size()][classes.size()];
    }

    public List<String> classes() {
        return classes;
    }

    /** Records one example. */
    public void add(int truth, int predicted) {
        if (truth < 0 || truth >= classes.size() || predicted < 0 || predicted >= classes.size()) {
            throw new IllegalArgumentException("class pair (" + truth + ", " + predicted + ") outside 0.."
                    + (classes.size() - 1));
        }
        counts[truth][predicted]++;
    }

    /** Adds every count of {@code other} (same classes), e.g. to merge per-thread matrices. */
    public void addAll(ConfusionMatrix other) {
        if (!other.classes.equals(classes)) throw new IllegalArgumentException("confusion matrices of different classes");
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts.length; j++) counts[i][j] += other.counts[i][j];
        }
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** Number of examples recorded. */
    public long total() {
        long n = 0;
        for (long[] row : counts) for (long c : row) n += c;
        return n;
    }

    /** Examples whose true class is {@code c}. */
    public long support(int c) {
        long n = 0;
        for (long x : counts[c]) n += x;
        return n;
    }

    /** Examples predicted as {@code c}. */
    public long predicted(int c) {
        long n = 0;
        for (long[] row : counts) n += row[c];
        return n;
    }

    /** Fraction of examples on the diagonal; NaN when empty. */
    public double accuracy() {
        long diag = 0;
        for (int i = 0; i < counts.length; i++) diag += counts[i][i];
        long n = total();
        return n == 0 ? Double.NaN : (double) diag / n;
    }

    /** Correct / true examples of class {@code c}; NaN when the class has none. */
    public double recall(int c) {
        long s = support(c);
        return s == 0 ? Double.NaN : (double) counts[c][c] / s;
    }

    /** Correct / predicted examples of class {@code c}; NaN when nothing was predicted as {@code c}. */
    public double precision(int c) {
        long p = predicted(c);
        return p == 0 ? Double.NaN : (double) counts[c][c] / p;
    }

    /** Harmonic mean of precision and recall; NaN when either is undefined, 0 when both are 0. */
    public double f1(int c) {
        double p = precision(c), r = recall(c);
        if (Double.isNaN(p) || Double.isNaN(r)) return Double.NaN;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Mean recall over the classes that have examples (balanced accuracy). */
    public double balancedAccuracy() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes.size(); c++) {
            double r = recall(c);
            if (!Double.isNaN(r)) {
                sum += r;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * A text report: the count matrix with class names (rows true, columns predicted, columns numbered to stay
     * narrow), then per-class precision, recall, F1 and support, then accuracy.
     */
    public String toText() {
        int k = classes.size();
        int nameWidth = "true \\ predicted".length();
        for (String c : classes) nameWidth = Math.max(nameWidth, c.length() + 5);
        int cell = Math.max(4, Long.toString(maxCount()).length() + 1);
        StringBuilder b = new StringBuilder();
        b.append(pad("true \\ predicted", nameWidth));
        for (int j = 0; j < k; j++) b.append(padLeft("[" + j + "]", cell));
        b.append('\n');
        for (int i = 0; i < k; i++) {
            b.append(pad(String.format(Locale.ROOT, "[%d] %s", i, classes.get(i)), nameWidth));
            for (int j = 0; j < k; j++) b.append(padLeft(Long.toString(counts[i][j]), cell));
            b.append('\n');
        }
        b.append('\n').append(pad("class", nameWidth)).append(" precision    recall        f1   support\n");
        for (int c = 0; c < k; c++) {
            b.append(pad(String.format(Locale.ROOT, "[%d] %s", c, classes.get(c)), nameWidth))
                    .append(String.format(Locale.ROOT, "%10s%10s%10s%10d%n", fmt(precision(c)), fmt(recall(c)),
                            fmt(f1(c)), support(c)));
        }
        b.append(String.format(Locale.ROOT, "%naccuracy %s (%d examples), balanced accuracy %s%n", fmt(accuracy()),
                total(), fmt(balancedAccuracy())));
        return b.toString();
    }

    /**
     * One JSON object: {@code accuracy}, {@code balanced_accuracy}, {@code examples}, {@code classes} (name,
     * precision, recall, f1, support each; null where undefined) and {@code matrix} (rows true, columns predicted).
     */
    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"accuracy\":").append(num(accuracy()))
                .append(",\"balanced_accuracy\":").append(num(balancedAccuracy()))
                .append(",\"examples\":").append(total()).append(",\"classes\":[");
        for (int c = 0; c < classes.size(); c++) {
            if (c > 0) b.append(',');
            b.append("{\"name\":").append(Json.write(classes.get(c)))
                    .append(",\"precision\":").append(num(precision(c)))
                    .append(",\"recall\":").append(num(recall(c)))
                    .append(",\"f1\":").append(num(f1(c)))
                    .append(",\"support\":").append(support(c)).append('}');
        }
        b.append("],\"matrix\":[");
        for (int i = 0; i < counts.length; i++) {
            b.append(i > 0 ? ",[" : "[");
            for (int j = 0; j < counts.length; j++) b.append(j > 0 ? "," : "").append(counts[i][j]);
            b.append(']');
        }
        return b.append("]}").toString();
    }

    long maxCount() {
        long m = 0;
        for (long[] row : counts) for (long c : row) m = Math.max(m, c);
        return m;
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "null" : String.format(Locale.ROOT, "%.6f", x);
    }

    private static String fmt(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.4f", x);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? " " + s : " ".repeat(w - s.length()) + s;
    }
}
