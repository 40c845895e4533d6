package dev.mast.train.report;

import dev.mast.engine.io.AtomicFile;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A confusion matrix as a heat map: rows are true classes, columns predictions, each cell shaded by its share of the
 * row (the recall of the diagonal cell) and labelled with its count. Written as a PNG and as a self-contained HTML
 * page (inline SVG plus the text report of {@link ConfusionMatrix#toText()}).
 */
public final class ConfusionMatrixChart {
    private static final Color AXIS = new Color(0x33, 0x33, 0x33);
    private static final Color LIGHT = new Color(0xf7, 0xfb, 0xff);
    private static final Color DARK = new Color(0x08, 0x30, 0x6b);
    private static final double CHAR_WIDTH = 7.2;

    private ConfusionMatrixChart() {}

    /** Writes the heat map as a PNG (atomically). */
    public static void writePng(ConfusionMatrix cm, Path file) throws IOException {
        Layout l = layout(cm);
        PngCanvas c = new PngCanvas(l.width, l.height);
        draw(c, cm, l);
        c.write(file);
    }

    /** Writes a self-contained HTML page with the heat map and the text report (atomically). */
    public static void writeHtml(ConfusionMatrix cm, Path file, String title) throws IOException {
        Layout l = layout(cm);
        SvgCanvas c = new SvgCanvas(l.width, l.height);
        draw(c, cm, l);
        String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + SvgCanvas.escape(title)
                + "</title>\n<style>body{font-family:sans-serif;margin:24px}</style></head><body>\n<h1>"
                + SvgCanvas.escape(title) + "</h1>\n" + c.toSvg() + "<pre>" + SvgCanvas.escape(cm.toText())
                + "</pre>\n</body></html>\n";
        AtomicFile.writeString(file, html);
    }

    /** Pixel geometry: label margins sized to the longest class name. */
    private record Layout(int cell, int left, int top, int width, int height) {}

    private static Layout layout(ConfusionMatrix cm) {
        int k = cm.classes().size();
        int longest = 0;
        for (String s : cm.classes()) longest = Math.max(longest, s.length());
        int cell = k <= 12 ? 44 : k <= 40 ? 28 : 16;
        int label = (int) Math.ceil(longest * CHAR_WIDTH) + 12;
        int left = 40 + label, top = 60 + label;
        return new Layout(cell, left, top, left + k * cell + 30, top + k * cell + 40);
    }

    private static void draw(Canvas c, ConfusionMatrix cm, Layout l) {
        int k = cm.classes().size();
        String title = String.format(Locale.ROOT, "accuracy %.2f%% on %d examples", 100 * nanToZero(cm.accuracy()),
                cm.total());
        c.text(l.width / 2.0, 26, title, 16, AXIS, Canvas.Anchor.MIDDLE, true);
        double fontSize = Math.min(12, l.cell * 0.42);
        for (int i = 0; i < k; i++) {
            long support = cm.support(i);
            for (int j = 0; j < k; j++) {
                long n = cm.count(i, j);
                double share = support == 0 ? 0 : (double) n / support;
                double x = l.left + j * l.cell, y = l.top + i * l.cell;
                c.fillRect(x, y, l.cell, l.cell, blend(share));
                if (n > 0 && l.cell >= 20) {
                    c.text(x + l.cell / 2.0, y + l.cell / 2.0 + fontSize * 0.36, Long.toString(n), fontSize,
                            share > 0.5 ? Color.WHITE : AXIS, Canvas.Anchor.MIDDLE, i == j);
                }
            }
            String name = cm.classes().get(i);
            c.text(l.left - 6, l.top + i * l.cell + l.cell / 2.0 + 4, name, 11, AXIS, Canvas.Anchor.END, false);
            c.verticalText(l.left + i * l.cell + l.cell / 2.0 + 4, l.top - 6, name, 11, AXIS, Canvas.Anchor.START);
        }
        c.strokeRect(l.left, l.top, k * l.cell, k * l.cell, AXIS, 1);
        c.text(l.left + k * l.cell / 2.0, 48, "predicted class", 12, AXIS, Canvas.Anchor.MIDDLE, false);
        c.verticalText(18, l.top + k * l.cell / 2.0, "true class", 12, AXIS, Canvas.Anchor.MIDDLE);
    }

    private static double nanToZero(double x) {
        return Double.isNaN(x) ? 0 : x;
    }

    /** White-blue colour ramp for a share in [0, 1]. */
    private static Color blend(double t) {
        return new Color((int) Math.round(LIGHT.getRed() + t * (DARK.getRed() - LIGHT.getRed())),
                (int) Math.round(LIGHT.getGreen() + t * (DARK.getGreen() - LIGHT.getGreen())),
                (int) Math.round(LIGHT.getBlue() + t * (DARK.getBlue() - LIGHT.getBlue())));
    }
}
