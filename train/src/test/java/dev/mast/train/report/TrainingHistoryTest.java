package dev.mast.train.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingHistoryTest {
    static TrainingHistory example(int epochs) {
        TrainingHistory h = new TrainingHistory();
        for (int e = 1; e <= epochs; e++) {
            double trainAcc = e == 3 ? Double.NaN : 1 - 0.9 * Math.exp(-e / 4.0);
            h.add(new TrainingHistory.Epoch(e, 2.3 * Math.exp(-e / 5.0) + 0.1, trainAcc, 2.0 * Math.exp(-e / 6.0) + 0.2,
                    0.95 - 0.85 * Math.exp(-e / 5.0), 1e-3 * Math.cos(e / (double) epochs), 61.25 + e));
        }
        return h;
    }

    @Test
    void csvRoundTripsExactlyIncludingUnmeasuredFigures() {
        TrainingHistory h = example(12);
        String csv = h.toCsv();
        assertTrue(csv.startsWith("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds\n"));
        assertTrue(csv.contains("\n3,") && csv.lines().filter(l -> l.startsWith("3,")).findFirst().orElseThrow().contains(",,"));
        TrainingHistory back = TrainingHistory.fromCsv(csv);
        assertEquals(h.epochs(), back.epochs());
        assertEquals(12, back.best().epoch());
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingHistory.fromCsv("epoch,x\n"));
        assertTrue(e.getMessage().startsWith("training history CSV must start with"));
    }

    @Test
    void curvesPngAndHtml(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curves.png"), html = dir.resolve("curves.html");
        TrainingCurvesChart.writePng(example(30), png);
        TrainingCurvesChart.writeHtml(example(30), html, "MAST tiny on kws");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(440, img.getHeight());
        int blue = 0, orange = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y), r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (b > 150 && r < 80) blue++;
                if (r > 190 && g < 130 && b < 60) orange++;
            }
        }
        assertTrue(blue > 500 && orange > 500, "curves drawn: blue " + blue + ", orange " + orange);
        String page = Files.readString(html);
        assertTrue(page.contains("<svg") && page.contains("<polyline") && page.contains("<td>30</td>"));
        assertTrue(page.contains("best validation accuracy"));
        // a single epoch and an empty history still render
        TrainingCurvesChart.writePng(example(1), dir.resolve("one.png"));
        TrainingCurvesChart.writePng(new TrainingHistory(), dir.resolve("none.png"));
    }
}
