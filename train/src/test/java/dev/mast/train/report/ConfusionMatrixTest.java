package dev.mast.train.report;

import dev.mast.engine.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfusionMatrixTest {
    /** yes: 3 right, 1 as no; no: 2 right; _unknown_: 1 as yes; _silence_: none. */
    private static ConfusionMatrix example() {
        ConfusionMatrix cm = new ConfusionMatrix(List.of("yes", "no", "_unknown_", "_silence_"));
        for (int i = 0; i < 3; i++) cm.add(0, 0);
        cm.add(0, 1);
        cm.add(1, 1);
        cm.add(1, 1);
        cm.add(2, 0);
        return cm;
    }

    @Test
    void figures() {
        ConfusionMatrix cm = example();
        assertEquals(7, cm.total());
        assertEquals(5.0 / 7, cm.accuracy(), 1e-15);
        assertEquals(0.75, cm.precision(0), 1e-15);
        assertEquals(0.75, cm.recall(0), 1e-15);
        assertEquals(2.0 / 3, cm.precision(1), 1e-15);
        assertEquals(1.0, cm.recall(1), 1e-15);
        assertEquals(0.8, cm.f1(1), 1e-15);
        assertEquals(0.0, cm.recall(2), 0);
        assertTrue(Double.isNaN(cm.precision(2)));
        assertTrue(Double.isNaN(cm.recall(3)));
        assertEquals((0.75 + 1 + 0) / 3, cm.balancedAccuracy(), 1e-15);
    }

    @Test
    void textAndJson() throws Exception {
        ConfusionMatrix cm = example();
        String text = cm.toText();
        assertTrue(text.contains("\n[0] yes            3   1   0   0\n"), text);
        assertTrue(text.contains("\n[2] _unknown_            -    0.0000         -         1\n"), text);
        assertTrue(text.contains("\n[1] no              0.6667    1.0000    0.8000         2\n"), text);
        assertTrue(text.contains("accuracy 0.7143 (7 examples)"), text);
        Map<?, ?> json = (Map<?, ?>) Json.parse(cm.toJson());
        assertEquals(0.714286, (Double) json.get("accuracy"), 1e-12);
        assertEquals(7L, json.get("examples"));
        List<?> classes = (List<?>) json.get("classes");
        assertEquals("_unknown_", ((Map<?, ?>) classes.get(2)).get("name"));
        assertEquals(null, ((Map<?, ?>) classes.get(2)).get("precision"));
        assertEquals(List.of(List.of(3L, 1L, 0L, 0L), List.of(0L, 2L, 0L, 0L), List.of(1L, 0L, 0L, 0L),
                List.of(0L, 0L, 0L, 0L)), json.get("matrix"));
    }

    @Test
    void pngAndHtml(@TempDir Path dir) throws Exception {
        ConfusionMatrix cm = example();
        Path png = dir.resolve("confusion.png"), html = dir.resolve("confusion.html");
        ConfusionMatrixChart.writePng(cm, png);
        ConfusionMatrixChart.writeHtml(cm, html, "kws test set");
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 4 * 44 && img.getHeight() > 4 * 44);
        // the darkest cell is yes->yes or no->no (share 0.75 and 1.0): some pixels must be dark blue
        boolean dark = false;
        for (int y = 0; y < img.getHeight() && !dark; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 40 && (rgb & 0xff) > 90) {
                    dark = true;
                    break;
                }
            }
        }
        assertTrue(dark, "no dark-blue cell in the heat map");
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg") && page.contains("kws test set"));
        assertTrue(page.contains("_unknown_") && page.contains("accuracy 0.7143"));
        assertTrue(!page.contains("<script") && !page.contains("src="), "self-contained");
    }
}
