package dev.mast.train.report;

import dev.mast.engine.io.AtomicFile;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Training curves per epoch: loss (left panel) and accuracy in percent (right panel), training solid and validation
 * dashed, as a PNG and as a self-contained HTML page (inline SVG plus the numbers in a table).
 */
public final class TrainingCurvesChart {
    private static final int WIDTH = 1000, HEIGHT = 440;
    private static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    private static final Color VALIDATION = new Color(0xd6, 0x5f, 0x0e);
    private static final Color GRID = new Color(0xe3, 0xe3, 0xe3);
    private static final Color AXIS = new Color(0x44, 0x44, 0x44);

    private TrainingCurvesChart() {}

    /** Writes the curves of {@code history} as a PNG (atomically). */
    public static void writePng(TrainingHistory history, Path file) throws IOException {
        PngCanvas c = new PngCanvas(WIDTH, HEIGHT);
        draw(c, history);
        c.write(file);
    }

    /** Writes a self-contained HTML page with the curves and a table of the figures (atomically). */
    public static void writeHtml(TrainingHistory history, Path file, String title) throws IOException {
        SvgCanvas c = new SvgCanvas(WIDTH, HEIGHT);
        draw(c, history);
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(SvgCanvas.escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse}"
                        + "td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}</style></head><body>\n")
                .append("<h1>").append(SvgCanvas.escape(title)).append("</h1>\n").append(c.toSvg())
                .append("<table>\n<tr><th>epoch</th><th>train loss</th><th>train acc</th><th>val loss</th>"
                        + "<th>val acc</th><th>learning rate</th><th>seconds</th></tr>\n");
        for (TrainingHistory.Epoch e : history.epochs()) {
            b.append(String.format(Locale.ROOT,
                    "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n",
                    e.epoch(), num(e.trainLoss(), "%.4f"), pct(e.trainAccuracy()), num(e.validationLoss(), "%.4f"),
                    pct(e.validationAccuracy()), num(e.learningRate(), "%.3g"), num(e.seconds(), "%.1f")));
        }
        b.append("</table>\n</body></html>\n");
        AtomicFile.writeString(file, b.toString());
    }

    private static String num(double x, String format) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, format, x);
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * x);
    }

    /** One line of a panel. */
    private record Series(double[] y, Color color, boolean dashed) {}

    static void draw(Canvas c, TrainingHistory history) {
        List<TrainingHistory.Epoch> epochs = history.epochs();
        int n = epochs.size();
        double[] x = new double[n], trainLoss = new double[n], valLoss = new double[n];
        double[] trainAcc = new double[n], valAcc = new double[n];
        for (int i = 0; i < n; i++) {
            TrainingHistory.Epoch e = epochs.get(i);
            x[i] = e.epoch();
            trainLoss[i] = e.trainLoss();
            valLoss[i] = e.validationLoss();
            trainAcc[i] = 100 * e.trainAccuracy();
            valAcc[i] = 100 * e.validationAccuracy();
        }
        TrainingHistory.Epoch best = history.best();
        String title = best == null ? "Training curves"
                : String.format(Locale.ROOT, "Training curves: best validation accuracy %.2f%% at epoch %d",
                        100 * best.validationAccuracy(), best.epoch());
        c.text(WIDTH / 2.0, 28, title, 17, AXIS, Canvas.Anchor.MIDDLE, true);
        // one legend for both panels, between the title and the plots, where it never hides a curve
        c.line(WIDTH / 2.0 - 120, 46, WIDTH / 2.0 - 96, 46, TRAIN, 2.5);
        c.text(WIDTH / 2.0 - 90, 50, "train", 12, AXIS, Canvas.Anchor.START, false);
        c.polyline(new double[] {WIDTH / 2.0 + 10, WIDTH / 2.0 + 34}, new double[] {46, 46}, VALIDATION, 2.5, true);
        c.text(WIDTH / 2.0 + 40, 50, "validation", 12, AXIS, Canvas.Anchor.START, false);
        panel(c, 70, 60, 400, 320, "loss", x, List.of(
                new Series(trainLoss, TRAIN, false), new Series(valLoss, VALIDATION, true)));
        panel(c, 570, 60, 400, 320, "accuracy (%)", x, List.of(
                new Series(trainAcc, TRAIN, false), new Series(valAcc, VALIDATION, true)));
    }

    private static void panel(Canvas c, double left, double top, double w, double h, String title, double[] x,
                              List<Series> series) {
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y) {
                if (Double.isFinite(v)) {
                    yMin = Math.min(yMin, v);
                    yMax = Math.max(yMax, v);
                }
            }
        }
        if (yMin > yMax) {
            yMin = 0;
            yMax = 1;
        }
        Ticks yt = Ticks.of(yMin, yMax, 6);
        double xMin = x.length == 0 ? 0 : x[0], xMax = x.length == 0 ? 1 : x[x.length - 1];
        Ticks xt = Ticks.ofIntegers(xMin, xMax, 8);
        // a little room on both sides so the first and last markers are not cut by the frame
        double pad = Math.max(0.5, 0.02 * (xMax - xMin));
        xMin -= pad;
        xMax += pad;
        double fx0 = xMin, fx1 = xMax, fy0 = yt.lo, fy1 = yt.hi;
        DoubleUnaryOperator px = v -> left + (v - fx0) / (fx1 - fx0) * w;
        DoubleUnaryOperator py = v -> top + h - (v - fy0) / (fy1 - fy0) * h;

        for (double v : yt.values()) {
            double yy = py.applyAsDouble(v);
            c.line(left, yy, left + w, yy, GRID, 1);
            c.text(left - 6, yy + 4, yt.format(v), 11, AXIS, Canvas.Anchor.END, false);
        }
        for (double v : xt.values()) {
            if (v < xMin - 1e-9 || v > xMax + 1e-9) continue;
            double xx = px.applyAsDouble(v);
            c.line(xx, top, xx, top + h, GRID, 1);
            c.text(xx, top + h + 16, xt.format(v), 11, AXIS, Canvas.Anchor.MIDDLE, false);
        }
        c.strokeRect(left, top, w, h, AXIS, 1);
        c.text(left + w / 2, top + h + 36, "epoch", 12, AXIS, Canvas.Anchor.MIDDLE, false);
        c.verticalText(left - 48, top + h / 2, title, 12, AXIS, Canvas.Anchor.MIDDLE);

        for (Series s : series) drawSeries(c, x, s, px, py);
    }

    private static void drawSeries(Canvas c, double[] x, Series s, DoubleUnaryOperator px,
                                   DoubleUnaryOperator py) {
        // NaN (not measured) breaks the line into separate runs.
        List<double[]> run = new ArrayList<>();
        for (int i = 0; i <= x.length; i++) {
            if (i < x.length && Double.isFinite(s.y[i])) {
                run.add(new double[] {px.applyAsDouble(x[i]), py.applyAsDouble(s.y[i])});
                continue;
            }
            if (!run.isEmpty()) {
                double[] xs = new double[run.size()], ys = new double[run.size()];
                for (int k = 0; k < run.size(); k++) {
                    xs[k] = run.get(k)[0];
                    ys[k] = run.get(k)[1];
                }
                c.polyline(xs, ys, s.color, 2.2, s.dashed);
                if (x.length <= 60) for (int k = 0; k < xs.length; k++) c.fillCircle(xs[k], ys[k], 2.8, s.color);
                run.clear();
            }
        }
    }

    /** Round-number axis ticks covering a data range. */
    private record Ticks(double lo, double hi, double step) {
        static Ticks of(double min, double max, int target) {
            if (max - min < 1e-12) {
                double pad = Math.max(Math.abs(min) * 0.05, 0.5);
                min -= pad;
                max += pad;
            }
            double step = niceStep((max - min) / target);
            return new Ticks(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        static Ticks ofIntegers(double min, double max, int target) {
            double step = Math.max(1, niceStep((max - min) / target));
            return new Ticks(Math.ceil(min / step) * step, Math.floor(max / step) * step, step);
        }

        static double niceStep(double raw) {
            double e = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / e;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
        }

        List<Double> values() {
            List<Double> v = new ArrayList<>();
            for (long i = Math.round(lo / step); i * step <= hi + step * 1e-9; i++) v.add(i * step);
            return v;
        }

        String format(double v) {
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
