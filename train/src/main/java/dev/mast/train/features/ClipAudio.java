package dev.mast.train.features;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.audio.decoding.AudioStream;
import dev.mast.audio.features.KaldiFbank;
import dev.mast.train.data.Clip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decodes the audio of one {@link Clip}: the whole file, or the segment [offset, offset + length) counted in 16 kHz
 * samples, as 16 kHz mono float samples (channels averaged, other rates resampled as {@link AudioFrontEnd} does).
 * A segment of a 16 kHz file is read by seeking, so a one-second {@code _silence_} window does not decode its whole
 * minute-long recording.
 */
public final class ClipAudio {
    private ClipAudio() {}

    /**
     * The samples of {@code clip}, whose audio file is {@code file}.
     *
     * @throws AudioFormatException naming the file: unreadable or corrupt audio, a segment beyond the end, or a clip
     *                              shorter than one 25 ms analysis frame
     */
    public static float[] read(Path file, Clip clip) throws IOException {
        String source = file.toString();
        float[] samples;
        try (AudioStream s = AudioDecoders.open(file)) {
            if (clip.isSegment() && s.sampleRate() == AudioFrontEnd.MODEL_RATE) {
                samples = readSegment(s, clip, source);
            } else {
                samples = toModelRate(s, source);
                if (clip.isSegment()) samples = slice(samples, clip, source);
            }
        }
        if (samples.length < KaldiFbank.FRAME_LENGTH) {
            throw new AudioFormatException(source, "clip of " + samples.length + " samples at 16 kHz is shorter than"
                    + " one " + KaldiFbank.FRAME_LENGTH + "-sample analysis frame");
        }
        return samples;
    }

    /** The whole of {@code file} as 16 kHz mono samples (e.g. a background-noise recording). */
    public static float[] readFile(Path file) throws IOException {
        try (AudioStream s = AudioDecoders.open(file)) {
            return toModelRate(s, file.toString());
        }
    }

    private static float[] readSegment(AudioStream s, Clip clip, String source) throws IOException {
        if (s.skip(clip.offset()) != clip.offset()) throw beyondEnd(clip, source, s.frames());
        int length = Math.toIntExact(clip.length());
        float[] out = new float[length];
        int done = 0;
        while (done < length) {
            int n = s.readMono(out, done, length - done);
            if (n == 0) throw beyondEnd(clip, source, clip.offset() + done);
            done += n;
        }
        return out;
    }

    private static float[] toModelRate(AudioStream s, String source) throws IOException {
        try {
            return AudioFrontEnd.toModelRate(s.readAll());
        } catch (IllegalArgumentException e) { // a sample rate the resampler does not take
            throw new AudioFormatException(source, e.getMessage());
        }
    }

    private static float[] slice(float[] samples, Clip clip, String source) throws AudioFormatException {
        long end = clip.offset() + clip.length();
        if (end > samples.length) throw beyondEnd(clip, source, samples.length);
        return Arrays.copyOfRange(samples, (int) clip.offset(), (int) end);
    }

    private static AudioFormatException beyondEnd(Clip clip, String source, long samples) {
        return new AudioFormatException(source, "segment [" + clip.offset() + ", " + (clip.offset() + clip.length())
                + ") reaches beyond the end of the audio (" + samples + " samples at 16 kHz)");
    }
}
