package dev.mast.train.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    /** A clock the test advances by hand. */
    private static final class FakeClock {
        long nanos;
    }

    @Test
    void plainLinesAtEveryTenthAndAFinalLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> clock.nanos);
        bar.start("epoch 1/3", 20);
        for (int s = 1; s <= 20; s++) {
            clock.nanos += 1_000_000_000L; // one second and ten clips per step
            bar.update(s, 10L * s, 1.0 / s, s / 20.0);
        }
        bar.finish(20, 200, 0.05, 1.0, "val acc 91.0%");
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(10, lines.size(), String.join("\n", lines));
        assertEquals("epoch 1/3  10% 2/20 loss 0.5000 acc 10.0% 10.0 clips/s ETA 0:18", lines.get(0));
        assertEquals("epoch 1/3  90% 18/20 loss 0.0556 acc 90.0% 10.0 clips/s ETA 0:02", lines.get(8));
        assertEquals("epoch 1/3 100% 20/20 loss 0.0500 acc 100.0% 10.0 clips/s in 0:20 val acc 91.0%", lines.get(9));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\r") || l.contains("#")));
    }

    @Test
    void fewerStepsThanTenthsStillOneLineEach() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> clock.nanos);
        bar.start("validation", 3);
        for (int s = 1; s <= 3; s++) {
            clock.nanos += 500_000_000L;
            bar.update(s, s, Double.NaN, Double.NaN);
        }
        bar.finish(3, 3, Double.NaN, 0.5, "");
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("validation  33% 1/3 2.0 clips/s ETA 0:01", "validation  67% 2/3 2.0 clips/s ETA 0:01",
                "validation 100% 3/3 acc 50.0% 2.0 clips/s in 0:02"), lines);
    }

    @Test
    void terminalModeRedrawsInPlaceAtMostTenTimesASecond() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> clock.nanos);
        bar.start("epoch 2/3", 100);
        for (int s = 1; s <= 100; s++) {
            clock.nanos += 20_000_000L; // 50 updates a second: only every fifth is drawn
            bar.update(s, 8L * s, 0.25, 0.5);
        }
        bar.finish(100, 800, 0.25, 0.5, "");
        String out = bytes.toString(StandardCharsets.UTF_8);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 20 && redraws <= 22, "redraws " + redraws);
        // drawn at steps 1, 6, 11, ...: every fifth update (100 ms of the fake clock)
        assertTrue(out.contains("\repoch 2/3 [############............]  51% 51/100 loss 0.2500 acc 50.0% 400.0 clips/s ETA 0:01"), out);
        assertTrue(out.endsWith("\repoch 2/3 [########################] 100% 100/100 loss 0.2500 acc 50.0% 400.0 clips/s in 0:02\n"), out);
    }

    @Test
    void durations() {
        assertEquals("0:00", ProgressBar.formatDuration(0.2));
        assertEquals("1:05", ProgressBar.formatDuration(65));
        assertEquals("2:00:01", ProgressBar.formatDuration(7201));
    }
}
