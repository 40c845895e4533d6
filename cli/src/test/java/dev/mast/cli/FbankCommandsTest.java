package dev.mast.cli;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.TestWavs;
import dev.mast.audio.features.FbankStats;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.audio.features.LogMel;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code mast fbank} and {@code mast fbank-stats}: outputs equal the library's, errors are one line + exit code. */
class FbankCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A 16-bit WAV of a chirp with some harmonics. */
    private Path wav(String name, int rate, int channels, double seconds) throws IOException {
        int n = (int) (rate * seconds);
        short[] interleaved = new short[n * channels];
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            for (int c = 0; c < channels; c++) {
                double v = 0.3 * Math.sin(2 * Math.PI * (200 + 900 * t) * t * (c + 1)) + 0.1 * Math.sin(2 * Math.PI * 3000 * t);
                interleaved[i * channels + c] = (short) Math.round(v * 32767);
            }
        }
        return Files.write(dir.resolve(name), TestWavs.pcm16(rate, channels, interleaved));
    }

    @Test
    void writesTheFrontEndOutputAsNpy() throws IOException {
        Path in = wav("a.wav", 44100, 2, 1.3);
        Path o = dir.resolve("a.npy");
        assertEquals(0, Main.run(new String[] {"fbank", in.toString(), "--out", o.toString()}), stderr());
        NpyArray got = Npy.read(o);
        LogMel want = AudioFrontEnd.kaldi().fromFile(in);
        assertArrayEquals(new int[] {want.frames(), 128}, got.shape());
        assertArrayEquals(want.data(), got.data());
    }

    @Test
    void normalizeTargetLengthAndLibrosa() throws IOException {
        Path in = wav("b.wav", 16000, 1, 0.7);
        Path o = dir.resolve("b.npy");
        assertEquals(0, Main.run(new String[] {"fbank", in.toString(), "--out", o.toString(), "--frontend", "librosa",
                "--target-length", "128", "--normalize", "-4.5,4.25"}), stderr());
        LogMel want = AudioFrontEnd.librosa().withTargetLength(128).withNormalizer(new FeatureNormalizer(-4.5f, 4.25f))
                .fromFile(in);
        NpyArray got = Npy.read(o);
        assertArrayEquals(new int[] {128, 128}, got.shape());
        assertArrayEquals(want.data(), got.data());
    }

    @Test
    void badFilesAreOneLineAndExitOne() throws IOException {
        Path o = dir.resolve("x.npy");
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "not audio at all");
        Path shortClip = wav("short.wav", 16000, 1, 0.02);
        for (Path bad : new Path[] {dir.resolve("missing.wav"), text, shortClip}) {
            err.reset();
            assertEquals(1, Main.run(new String[] {"fbank", bad.toString(), "--out", o.toString()}));
            String e = stderr();
            assertTrue(e.startsWith("mast fbank: " + bad + ": "), e);
            assertEquals(1, e.strip().split("\n").length, e);
        }
        assertFalse(Files.exists(o));
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        Path in = wav("c.wav", 16000, 1, 0.5);
        assertEquals(2, Main.run(new String[] {"fbank", in.toString()}));
        assertEquals(2, Main.run(new String[] {"fbank", in.toString(), "--out", "x.npy", "--normalize", "1"}));
        assertEquals(2, Main.run(new String[] {"fbank", in.toString(), "--out", "x.npy", "--normalize", "1,0"}));
        assertEquals(2, Main.run(new String[] {"fbank", in.toString(), "--out", "x.npy", "--frontend", "mfcc"}));
        assertEquals(2, Main.run(new String[] {"fbank", in.toString(), "--out", "x.npy", "--target-length", "0"}));
        assertEquals(2, Main.run(new String[] {"fbank-stats"}));
    }

    @Test
    void statsOverAFolderEqualTheLibraryAndDoNotDependOnThreads() throws IOException {
        Path data = Files.createDirectories(dir.resolve("set/sub"));
        Path a = wav("set/a.wav", 16000, 1, 1.0), b = wav("set/sub/b.WAV", 22050, 2, 0.6);
        Files.writeString(data.resolve("readme.txt"), "ignored");
        FbankStats want = new FbankStats();
        want.add(AudioFrontEnd.kaldi().fromFile(a));
        want.add(AudioFrontEnd.kaldi().fromFile(b));
        String[] outputs = new String[2];
        for (int threads = 1; threads <= 2; threads++) {
            out.reset();
            assertEquals(0, Main.run(new String[] {"fbank-stats", "--data", dir.resolve("set").toString(), "--json",
                    "--threads", String.valueOf(threads)}), stderr());
            outputs[threads - 1] = out.toString(StandardCharsets.UTF_8);
        }
        assertEquals(outputs[0], outputs[1]);
        assertTrue(outputs[0].contains("\"files\": 2"), outputs[0]);
        assertTrue(outputs[0].contains(String.format(java.util.Locale.ROOT, "\"mean\": %.8g", want.mean())), outputs[0]);
        assertTrue(outputs[0].contains(String.format(java.util.Locale.ROOT, "\"std\": %.8g", want.std())), outputs[0]);
    }

    @Test
    void statsStopAtABadFileUnlessToldToSkip() throws IOException {
        Path set = Files.createDirectories(dir.resolve("set2"));
        wav("set2/good.wav", 16000, 1, 0.5);
        Files.writeString(set.resolve("bad.flac"), "garbage");
        assertEquals(1, Main.run(new String[] {"fbank-stats", "--data", set.toString()}));
        assertTrue(stderr().startsWith("mast fbank-stats: " + set.resolve("bad.flac") + ": "), stderr());
        err.reset();
        assertEquals(0, Main.run(new String[] {"fbank-stats", "--data", set.toString(), "--skip-bad"}));
        assertTrue(stderr().contains("skipping " + set.resolve("bad.flac")), stderr());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 files (1 skipped)"));
    }
}
