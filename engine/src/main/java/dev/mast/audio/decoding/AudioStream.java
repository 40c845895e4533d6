package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.PcmAudio;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;

/**
 * Sequential access to the samples of an audio file without holding it all in memory: open one with
 * {@link AudioDecoders#open}, then call {@link #read} or {@link #readMono} until they return 0. Decoding problems
 * surface as {@link AudioFormatException} naming the file. Not thread-safe.
 */
public interface AudioStream extends Closeable {
    /** The file name or stream description used in error messages. */
    String source();

    int sampleRate();

    int channelCount();

    /** Bits per sample of the source encoding (for information). */
    int bitsPerSample();

    /** Frames (samples per channel) in the stream, or -1 when the header does not say. */
    long frames();

    /**
     * Decodes up to {@code maxFrames} frames into {@code dst[c][offset ...]}, one array per channel.
     *
     * @return the number of frames decoded; 0 at the end of the stream
     */
    int read(float[][] dst, int offset, int maxFrames) throws IOException;

    /** Like {@link #read}, averaging the channels into one array. */
    int readMono(float[] dst, int offset, int maxFrames) throws IOException;

    /** Skips up to {@code count} frames; returns how many were skipped (fewer only at the end of the stream). */
    long skip(long count) throws IOException;

    /** Decodes the rest of the stream into memory. */
    default PcmAudio readAll() throws IOException {
        long known = frames();
        // The header's count sizes the first allocation only up to a bound: it may lie. Then the arrays grow.
        int capacity = (int) Math.min(known >= 0 ? known + 1 : 1 << 16, 1 << 18);
        float[][] planar = new float[channelCount()][Math.max(capacity, 1)];
        int n = 0;
        while (true) {
            if (n == planar[0].length) {
                if (n == Integer.MAX_VALUE - 8) {
                    throw new AudioFormatException(source(), "longer than " + n
                            + " frames: too long to decode at once, read it with AudioDecoders.open instead");
                }
                int grown = (int) Math.min((long) n * 2, Integer.MAX_VALUE - 8);
                for (int c = 0; c < planar.length; c++) planar[c] = Arrays.copyOf(planar[c], grown);
            }
            int got = read(planar, n, planar[0].length - n);
            if (got == 0) break;
            n += got;
        }
        for (int c = 0; c < planar.length; c++) {
            if (planar[c].length != n) planar[c] = Arrays.copyOf(planar[c], n);
        }
        return new PcmAudio(sampleRate(), planar);
    }
}
