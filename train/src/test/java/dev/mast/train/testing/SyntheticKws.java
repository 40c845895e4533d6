package dev.mast.train.testing;

import dev.mast.audio.TestWavs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test-only: writes a tiny data set in the Speech Commands layout. Keywords "low" (a 300 Hz tone) and "high"
 * (2.5 kHz), the unknown word "hiss" (white noise), half-second 16 kHz clips with random level and pitch jitter;
 * a ten-second {@code _background_noise_} recording; validation and test lists. Classes: low, high, _unknown_.
 */
public final class SyntheticKws {
    /** Samples per clip: 0.5 s, 48 fbank frames. */
    public static final int SAMPLES = 8000;
    public static final int FRAMES = 48;

    private SyntheticKws() {}

    /** Writes the set into {@code root} with {@code train}, 2 validation and 2 test clips per word. */
    public static Path write(Path root, int train) throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("classes.txt"), "keywords: low high\nunknown: hiss\n");
        List<String> validation = new ArrayList<>(), test = new ArrayList<>();
        String[] words = {"low", "high", "hiss"};
        for (int w = 0; w < words.length; w++) {
            for (int i = 0; i < train + 4; i++) {
                String rel = words[w] + "/" + String.format("%08x", 1000 * w + i) + "_nohash_0.wav";
                SplittableRandom r = new SplittableRandom(31L * w + i);
                writeWav(root.resolve(rel), clip(w, r), 16000);
                if (i >= train + 2) test.add(rel);
                else if (i >= train) validation.add(rel);
            }
        }
        Files.write(root.resolve("validation_list.txt"), validation);
        Files.write(root.resolve("testing_list.txt"), test);
        SplittableRandom r = new SplittableRandom(99);
        float[] noise = new float[160000]; // ten one-second windows for _silence_ clips
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.05 * r.nextGaussian());
        writeWav(root.resolve("_background_noise_/noise.wav"), noise, 16000);
        return root;
    }

    private static float[] clip(int word, SplittableRandom r) {
        float[] x = new float[SAMPLES];
        double level = 0.1 + 0.3 * r.nextDouble();
        double hz = (word == 0 ? 300 : 2500) * (0.95 + 0.1 * r.nextDouble());
        for (int i = 0; i < SAMPLES; i++) {
            double v = word == 2 ? level * r.nextGaussian() * 0.5 : level * Math.sin(2 * Math.PI * hz * i / 16000);
            x[i] = (float) (v + 0.005 * r.nextGaussian());
        }
        return x;
    }

    /** Writes mono 16-bit PCM. */
    public static void writeWav(Path file, float[] samples, int rate) throws IOException {
        Files.createDirectories(file.getParent());
        short[] pcm = new short[samples.length];
        for (int i = 0; i < pcm.length; i++) pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767);
        TestWavs.writeMono16(file, pcm, rate);
    }
}
