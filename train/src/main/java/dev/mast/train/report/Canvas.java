package dev.mast.train.report;

import java.awt.Color;

/**
 * The few drawing operations the charts need, so that each chart is drawn by one piece of code and comes out both
 * as a PNG ({@link PngCanvas}) and as SVG for the self-contained HTML reports ({@link SvgCanvas}). Coordinates are
 * pixels from the top-left corner; text is positioned by its baseline.
 */
interface Canvas {
    /** Horizontal placement of text relative to its x coordinate. */
    enum Anchor { START, MIDDLE, END }

    void fillRect(double x, double y, double w, double h, Color fill);

    void strokeRect(double x, double y, double w, double h, Color stroke, double width);

    void line(double x1, double y1, double x2, double y2, Color stroke, double width);

    /** A connected line through the points; dashed for secondary series. */
    void polyline(double[] xs, double[] ys, Color stroke, double width, boolean dashed);

    void fillCircle(double cx, double cy, double r, Color fill);

    void text(double x, double y, String s, double size, Color color, Anchor anchor, boolean bold);

    /** Text rotated 90° counter-clockwise (reading upwards), anchored at (x, y). */
    void verticalText(double x, double y, String s, double size, Color color, Anchor anchor);
}
