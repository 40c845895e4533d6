package dev.mast.audio;

import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.audio.features.KaldiFbank;
import dev.mast.audio.features.LogMel;
import dev.mast.engine.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole path from file to model input against the torchaudio fixtures in {@code fbank/} (see its manifest.json
 * for the reference's arguments).
 */
class AudioFrontEndTest {
    private static final String STEREO = "odd_44k1_s24_stereo";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"clip10s_16k_s16_mono", "sentence_16k_s16_mono", "silence_16k_s16_mono",
            "tone_short_16k_s16_mono", "yes_16k_s16_mono", STEREO})
    void decodedSamplesEqualTorchaudioLoad(String name) throws IOException {
        PcmAudio a = AudioDecoders.decode(AudioFixtures.path("fbank/" + name + ".wav"));
        NpyArray want = AudioFixtures.npy("fbank/" + name + "/wave_raw.npy");
        assertArrayEquals(want.shape(), new int[] {a.channelCount(), a.frames()});
        float[] got = new float[a.channelCount() * a.frames()];
        for (int c = 0; c < a.channelCount(); c++) System.arraycopy(a.channel(c), 0, got, c * a.frames(), a.frames());
        assertEquals(0.0, AudioFixtures.maxAbsDiff(got, want.data()), "decoding is exact");
    }

    @Test
    void stereo44kMixedToMonoAndResampledMatchesTorchaudio() throws IOException {
        LogMel got = AudioFrontEnd.kaldi().fromFile(AudioFixtures.path("fbank/" + STEREO + ".wav"));
        NpyArray want = AudioFixtures.npy("fbank/" + STEREO + "/fbank_mix.npy");
        assertArrayEquals(want.shape(), new int[] {got.frames(), got.bins()});
        double d = AudioFixtures.maxAbsDiff(got.data(), want.data());
        assertTrue(d <= 5e-3, "mix: max |diff| " + d);
    }

    @Test
    void stereo44kChannelZeroMatchesTorchaudio() throws IOException {
        PcmAudio a = AudioDecoders.decode(AudioFixtures.path("fbank/" + STEREO + ".wav"));
        LogMel got = AudioFrontEnd.kaldi().fromSamples(a.channel(0), a.sampleRate());
        double d = AudioFixtures.maxAbsDiff(got.data(), AudioFixtures.npy("fbank/" + STEREO + "/fbank.npy").data());
        assertTrue(d <= 5e-3, "channel 0: max |diff| " + d);
    }

    /** AST input: pad/crop then (x - mean) / (2·std). The fixture for the stereo file is built from channel 0. */
    @ParameterizedTest
    @CsvSource({"clip10s_16k_s16_mono,sc128", "clip10s_16k_s16_mono,as1024", "sentence_16k_s16_mono,sc128",
            "silence_16k_s16_mono,sc128", "tone_short_16k_s16_mono,sc128", "tone_short_16k_s16_mono,as1024",
            "yes_16k_s16_mono,sc128", STEREO + ",sc128"})
    void normalisedAstInputMatchesReference(String name, String recipe) throws IOException {
        FeatureNormalizer norm = recipe.equals("sc128") ? FeatureNormalizer.SPEECH_COMMANDS : FeatureNormalizer.AUDIOSET;
        int target = recipe.equals("sc128") ? 128 : 1024;
        PcmAudio a = AudioDecoders.decode(AudioFixtures.path("fbank/" + name + ".wav"));
        LogMel got = AudioFrontEnd.ast(norm, target).fromSamples(a.channel(0), a.sampleRate());
        NpyArray want = AudioFixtures.npy("fbank/" + name + "/ast_input_" + recipe + ".npy");
        assertArrayEquals(want.shape(), new int[] {got.frames(), got.bins()});
        // the fbank tolerance, carried through the normalisation
        double tol = (name.equals(STEREO) ? 5e-3 : 2e-3) / (2 * norm.std());
        double d = AudioFixtures.maxAbsDiff(got.data(), want.data());
        assertTrue(d <= tol, name + " " + recipe + ": max |diff| " + d + " > " + tol);
        int realFrames = KaldiFbank.frameCount(AudioFrontEnd.toModelRate(a.channel(0), a.sampleRate()).length);
        for (int i = Math.min(realFrames, target) * 128; i < got.data().length; i++) {
            assertEquals(want.data()[i], got.data()[i], "padded cell " + i + " is exactly (0 - mean) / (2 std)");
        }
    }

    @Test
    void clipShorterThanOneFrameIsAOneLineErrorNamingTheFile() throws IOException {
        Path f = dir.resolve("short.wav");
        Files.write(f, TestWavs.pcm16(16000, 1, new short[399]));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFrontEnd.kaldi().fromFile(f));
        assertTrue(e.getMessage().startsWith(f + ": clip of 399 samples"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void shortArrayInputRaisesClipTooShort() {
        assertThrows(ClipTooShortException.class, () -> AudioFrontEnd.kaldi().fromSamples(new float[100], 16000));
    }

    @Test
    void shortPcmEqualsFloatPcm() throws IOException {
        PcmAudio a = AudioDecoders.decode(AudioFixtures.path("fbank/yes_16k_s16_mono.wav"));
        short[] pcm = a.interleavedShorts();
        assertArrayEquals(AudioFrontEnd.kaldi().fromSamples(a.channel(0), 16000).data(),
                AudioFrontEnd.kaldi().fromSamples(pcm, 16000).data());
    }
}
