package dev.mast.audio;

import java.util.Objects;

/**
 * Decoded audio: one float array per channel (planar) and the sample rate. Samples are on torchaudio's scale, the
 * integer PCM value divided by 2^(bits-1) (unsigned 8-bit: (v - 128) / 128), so a full-scale signal lies in
 * [-1, 1). Floating-point sources keep their values.
 *
 * <p>Also the entry point for callers that already hold PCM: {@link #ofMono}, {@link #ofInterleaved(float[], int,
 * int)} and {@link #ofInterleaved(short[], int, int)}; and the way back out to raw buffers: {@link #channel},
 * {@link #interleaved()}, {@link #interleavedShorts()}.
 *
 * <p>The arrays are shared, not copied: treat a {@code PcmAudio} as immutable.
 */
public final class PcmAudio {
    private final int sampleRate;
    private final float[][] channels;

    /**
     * @param sampleRate samples per second per channel, positive
     * @param channels   one array per channel, all of the same length; at least one channel
     */
    public PcmAudio(int sampleRate, float[][] channels) {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        Objects.requireNonNull(channels, "channels");
        if (channels.length == 0) throw new IllegalArgumentException("audio needs at least one channel");
        int n = channels[0].length;
        for (float[] c : channels) {
            if (c.length != n) {
                throw new IllegalArgumentException("channels differ in length: " + n + " and " + c.length);
            }
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /** Mono audio wrapping {@code samples} (not copied). */
    public static PcmAudio ofMono(float[] samples, int sampleRate) {
        return new PcmAudio(sampleRate, new float[][] {samples});
    }

    /** Splits interleaved float samples (frame-major: L R L R ...) into channels. */
    public static PcmAudio ofInterleaved(float[] interleaved, int channelCount, int sampleRate) {
        int frames = framesOf(interleaved.length, channelCount);
        float[][] planar = new float[channelCount][frames];
        for (int c = 0; c < channelCount; c++) {
            float[] dst = planar[c];
            for (int i = 0, j = c; i < frames; i++, j += channelCount) dst[i] = interleaved[j];
        }
        return new PcmAudio(sampleRate, planar);
    }

    /** Splits interleaved 16-bit PCM into channels, scaled by 1/32768 as torchaudio does. */
    public static PcmAudio ofInterleaved(short[] interleaved, int channelCount, int sampleRate) {
        int frames = framesOf(interleaved.length, channelCount);
        float[][] planar = new float[channelCount][frames];
        for (int c = 0; c < channelCount; c++) {
            float[] dst = planar[c];
            for (int i = 0, j = c; i < frames; i++, j += channelCount) dst[i] = interleaved[j] * (1f / 32768f);
        }
        return new PcmAudio(sampleRate, planar);
    }

    private static int framesOf(int length, int channelCount) {
        if (channelCount <= 0) throw new IllegalArgumentException("channel count must be positive, got " + channelCount);
        if (length % channelCount != 0) {
            throw new IllegalArgumentException(length + " interleaved samples do not fill whole frames of "
                    + channelCount + " channels");
        }
        return length / channelCount;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channelCount() {
        return channels.length;
    }

    /** Samples per channel. */
    public int frames() {
        return channels[0].length;
    }

    public double durationSeconds() {
        return frames() / (double) sampleRate;
    }

    /** The samples of channel {@code c} (shared, not copied). */
    public float[] channel(int c) {
        return channels[c];
    }

    /**
     * The mean of the channels, sample by sample (the channel array itself when there is one channel). Channels are
     * summed in order and divided by the count, as {@code waveform.mean(0)} does in float32.
     */
    public float[] mono() {
        if (channels.length == 1) return channels[0];
        float[] out = new float[frames()];
        mixToMono(channels, 0, out, 0, out.length);
        return out;
    }

    /** This audio as one channel (itself when it already is mono). */
    public PcmAudio toMono() {
        return channels.length == 1 ? this : ofMono(mono(), sampleRate);
    }

    /** Averages {@code count} frames of {@code planar} starting at {@code from} into {@code dst[at...]}. */
    public static void mixToMono(float[][] planar, int from, float[] dst, int at, int count) {
        float[] first = planar[0];
        System.arraycopy(first, from, dst, at, count);
        for (int c = 1; c < planar.length; c++) {
            float[] src = planar[c];
            for (int i = 0; i < count; i++) dst[at + i] += src[from + i];
        }
        if (planar.length > 1) {
            float n = planar.length;
            for (int i = 0; i < count; i++) dst[at + i] /= n;
        }
    }

    /** The samples interleaved frame by frame (a new array). */
    public float[] interleaved() {
        int n = frames(), ch = channels.length;
        float[] out = new float[Math.multiplyExact(n, ch)];
        for (int c = 0; c < ch; c++) {
            float[] src = channels[c];
            for (int i = 0, j = c; i < n; i++, j += ch) out[j] = src[i];
        }
        return out;
    }

    /**
     * The samples interleaved as 16-bit PCM: round(x·32768), clamped to [-32768, 32767]. Exact for audio decoded
     * from 16-bit sources.
     */
    public short[] interleavedShorts() {
        int n = frames(), ch = channels.length;
        short[] out = new short[Math.multiplyExact(n, ch)];
        for (int c = 0; c < ch; c++) {
            float[] src = channels[c];
            for (int i = 0, j = c; i < n; i++, j += ch) {
                float v = Math.round(src[i] * 32768f);
                out[j] = (short) Math.max(-32768f, Math.min(32767f, v));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format("PcmAudio[%d Hz, %d ch, %d frames, %.3f s]", sampleRate, channels.length, frames(),
                durationSeconds());
    }
}
