package dev.mast.train.features;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.audio.features.FbankStats;
import dev.mast.audio.features.LogMel;
import dev.mast.train.data.Clip;
import dev.mast.train.testing.SyntheticKws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Clip decoding (whole files, segments, other rates), header sample counts, and the normalisation statistics. */
class ClipAudioTest {
    @TempDir
    Path dir;

    private Path ramp(String name, int n, int rate) throws IOException {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.5 * Math.sin(i * 0.01) + 0.1 * Math.sin(i * 0.37));
        Path f = dir.resolve(name);
        SyntheticKws.writeWav(f, x, rate);
        return f;
    }

    @Test
    void aSegmentIsTheSliceOfTheWholeFile() throws IOException {
        Path f = ramp("long.wav", 48000, 16000);
        float[] whole = ClipAudio.read(f, Clip.of("long.wav", 0));
        assertEquals(48000, whole.length);
        float[] seg = ClipAudio.read(f, new Clip("long.wav", 0, 16000, 16000));
        assertArrayEquals(Arrays.copyOfRange(whole, 16000, 32000), seg);
        assertEquals(48000, new HeaderSampleCounter().samples(f));
        var e = assertThrows(AudioFormatException.class, () -> ClipAudio.read(f, new Clip("long.wav", 0, 40000, 16000)));
        assertEquals(f + ": segment [40000, 56000) reaches beyond the end of the audio (48000 samples at 16 kHz)",
                e.getMessage());
    }

    @Test
    void otherRatesAreResampledAndSegmentsCountAt16kHz() throws IOException {
        Path f = ramp("8k.wav", 8001, 8000);
        float[] whole = ClipAudio.read(f, Clip.of("8k.wav", 0));
        assertArrayEquals(AudioFrontEnd.toModelRate(AudioDecoders.decode(f)), whole);
        assertEquals(whole.length, new HeaderSampleCounter().samples(f));
        assertEquals(16002, whole.length);
        assertArrayEquals(Arrays.copyOfRange(whole, 100, 1100), ClipAudio.read(f, new Clip("8k.wav", 0, 100, 1000)));
    }

    @Test
    void aClipShorterThanOneFrameIsAnError() throws IOException {
        Path f = ramp("short.wav", 300, 16000);
        var e = assertThrows(AudioFormatException.class, () -> ClipAudio.read(f, Clip.of("short.wav", 0)));
        assertEquals(f + ": clip of 300 samples at 16 kHz is shorter than one 400-sample analysis frame",
                e.getMessage());
    }

    @Test
    void normalisationStatisticsDoNotDependOnTheThreadCount() throws IOException {
        List<Clip> clips = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ramp("c" + i + ".wav", 4000 + 700 * i, 16000);
            clips.add(Clip.of("c" + i + ".wav", 0));
        }
        DatasetClips source = new DatasetClips(dir, clips, 1, null);
        FbankFrontEnd fe = new FbankFrontEnd(AudioFrontEnd.Kind.KALDI, 30);
        FbankStats one = NormalizationStats.compute(source, fe, 1), three = NormalizationStats.compute(source, fe, 3);
        assertEquals(one.mean(), three.mean());
        assertEquals(one.std(), three.std());
        // and they are the statistics of the padded/cropped features
        double sum = 0, sq = 0;
        long n = 0;
        for (int i = 0; i < clips.size(); i++) {
            LogMel m = AudioFrontEnd.kaldi().withTargetLength(30).fromFile(dir.resolve("c" + i + ".wav"));
            for (float v : m.data()) {
                sum += v;
                sq += (double) v * v;
                n++;
            }
        }
        double mean = sum / n;
        assertEquals(mean, one.mean(), 1e-9 * Math.abs(mean));
        assertEquals(Math.sqrt(sq / n - mean * mean), one.std(), 1e-6);
    }
}
