package dev.mast.train.report;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A training progress display for one phase (an epoch, a validation pass): steps done, running loss and accuracy,
 * clips per second and the estimated time left.
 *
 * <p>On a terminal it redraws one line in place (carriage return, at most ten times a second) with a bar:
 * <pre>  epoch 3/30 [#########...............]  38% 101/266 loss 0.4321 acc 87.5% 153.2 clips/s ETA 0:42</pre>
 * Elsewhere (a pipe, a log file, CI) it prints the same text without the bar as plain lines, one per tenth of the
 * phase, so logs stay short and readable. {@link #finish} always prints the final line.
 */
public final class ProgressBar {
    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier clock;
    private String label = "";
    private long total;
    private long startNanos;
    private long lastDraw;
    private int nextTenth;
    private int lastWidth;

    /**
     * @param out         where to draw
     * @param interactive redraw in place (a terminal) rather than print plain lines
     * @param clock       nanosecond clock ({@link System#nanoTime} outside tests)
     */
    public ProgressBar(PrintStream out, boolean interactive, LongSupplier clock) {
        this.out = out;
        this.interactive = interactive;
        this.clock = clock;
    }

    /** A progress bar on standard output that redraws only when it is an interactive terminal. */
    public static ProgressBar forStandardOutput() {
        return new ProgressBar(System.out, isInteractiveTerminal(), System::nanoTime);
    }

    /** True when standard output is a terminal and the environment does not ask for plain output (CI, TERM=dumb). */
    public static boolean isInteractiveTerminal() {
        Console console = System.console();
        if (console == null || !console.isTerminal()) return false;
        if (System.getenv("CI") != null) return false;
        String term = System.getenv("TERM");
        return term != null && !term.equals("dumb");
    }

    /** Starts a phase of {@code totalSteps} steps called {@code label} (e.g. "epoch 3/30"). */
    public void start(String label, long totalSteps) {
        this.label = label;
        this.total = Math.max(0, totalSteps);
        this.startNanos = clock.getAsLong();
        this.lastDraw = startNanos - REDRAW_NANOS;
        this.nextTenth = 1;
        this.lastWidth = 0;
    }

    /**
     * Reports progress: {@code steps} of the phase done, {@code clips} processed so far in the phase, and the running
     * mean loss and accuracy (NaN to leave one out, e.g. accuracy under mixup).
     */
    public void update(long steps, long clips, double loss, double accuracy) {
        long now = clock.getAsLong();
        if (interactive) {
            if (now - lastDraw < REDRAW_NANOS && steps < total) return;
            lastDraw = now;
            String line = render(steps, clips, loss, accuracy, now, true);
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            out.flush();
        } else if (steps >= stepAtTenth(nextTenth) && steps < total) {
            out.println(render(steps, clips, loss, accuracy, now, false));
            while (stepAtTenth(nextTenth) <= steps) nextTenth++;
        }
    }

    /** Ends the phase with a final line; {@code suffix} (may be empty) is appended, e.g. validation results. */
    public void finish(long steps, long clips, double loss, double accuracy, String suffix) {
        String line = render(steps, clips, loss, accuracy, clock.getAsLong(), interactive);
        line = suffix.isEmpty() ? line : line + " " + suffix;
        if (interactive) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())) + "\n");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The step count at tenth {@code tenth} of the phase (at least 1). */
    private long stepAtTenth(int tenth) {
        return Math.max(1, (total * tenth + 9) / 10);
    }

    private String render(long steps, long clips, double loss, double accuracy, long now, boolean bar) {
        StringBuilder b = new StringBuilder(label);
        double fraction = total == 0 ? 1 : Math.min(1, (double) steps / total);
        if (bar) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            b.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
        }
        b.append(String.format(Locale.ROOT, " %3d%% %d/%d", Math.round(fraction * 100), steps, total));
        if (!Double.isNaN(loss)) b.append(String.format(Locale.ROOT, " loss %.4f", loss));
        if (!Double.isNaN(accuracy)) b.append(String.format(Locale.ROOT, " acc %.1f%%", 100 * accuracy));
        double seconds = (now - startNanos) / 1e9;
        if (seconds > 0 && clips > 0) b.append(String.format(Locale.ROOT, " %.1f clips/s", clips / seconds));
        if (steps > 0 && steps < total) {
            b.append(" ETA ").append(formatDuration(seconds / steps * (total - steps)));
        } else if (steps >= total) {
            b.append(" in ").append(formatDuration(seconds));
        }
        return b.toString();
    }

    /** Seconds as "m:ss" or "h:mm:ss". */
    public static String formatDuration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        long h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
