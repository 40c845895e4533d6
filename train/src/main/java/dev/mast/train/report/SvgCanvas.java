package dev.mast.train.report;

import java.awt.Color;
import java.util.Locale;

/** A {@link Canvas} that builds an inline SVG element, for self-contained HTML reports. */
final class SvgCanvas implements Canvas {
    private final StringBuilder svg = new StringBuilder();
    private final int width;
    private final int height;

    SvgCanvas(int width, int height) {
        this.width = width;
        this.height = height;
        fillRect(0, 0, width, height, Color.WHITE);
    }

    @Override
    public void fillRect(double x, double y, double w, double h, Color fill) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x, y, w, h, hex(fill)));
    }

    @Override
    public void strokeRect(double x, double y, double w, double h, Color stroke, double lineWidth) {
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\""
                        + " stroke-width=\"%.1f\"/>%n",
                x, y, w, h, hex(stroke), lineWidth));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Color stroke, double lineWidth) {
        svg.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
                x1, y1, x2, y2, hex(stroke), lineWidth));
    }

    @Override
    public void polyline(double[] xs, double[] ys, Color stroke, double lineWidth, boolean dashed) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
        svg.append(String.format(Locale.ROOT,
                "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"%s/>%n",
                pts.toString().strip(), hex(stroke), lineWidth, dashed ? " stroke-dasharray=\"6 4\"" : ""));
    }

    @Override
    public void fillCircle(double cx, double cy, double r, Color fill) {
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n",
                cx, cy, r, hex(fill)));
    }

    @Override
    public void text(double x, double y, String s, double size, Color color, Anchor anchor, boolean bold) {
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" fill=\"%s\" text-anchor=\"%s\"%s>%s</text>%n",
                x, y, size, hex(color), anchor(anchor), bold ? " font-weight=\"bold\"" : "", escape(s)));
    }

    @Override
    public void verticalText(double x, double y, String s, double size, Color color, Anchor anchor) {
        svg.append(String.format(Locale.ROOT,
                "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" font-size=\"%.1f\" fill=\"%s\""
                        + " text-anchor=\"%s\">%s</text>%n",
                x, y, size, hex(color), anchor(anchor), escape(s)));
    }

    /** The complete {@code <svg>} element. */
    String toSvg() {
        return String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">%n%s</svg>%n",
                width, height, width, height, svg);
    }

    /** {@code s} with the HTML/XML special characters escaped. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String anchor(Anchor a) {
        return switch (a) {
            case START -> "start";
            case MIDDLE -> "middle";
            case END -> "end";
        };
    }

    private static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
