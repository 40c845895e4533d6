package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.PcmAudio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * Reads the samples of a WAV file (RIFF, RF64 or BW64; see {@link WavFormat}) a block at a time, so a file of any
 * length can be processed in bounded memory, and can {@link #seek} to any frame.
 */
public final class StreamingWavReader implements AudioStream {
    /** Bytes read from the file per block. */
    private static final int BLOCK_BYTES = 1 << 16;

    private final SeekableByteChannel ch;
    private final String source;
    private final WavFormat format;
    private final byte[] block;
    private final ByteBuffer blockBuffer;
    private final MonoMixdown mono;
    private long frame;

    private StreamingWavReader(SeekableByteChannel ch, String source, WavFormat format) {
        this.ch = ch;
        this.source = source;
        this.format = format;
        int frames = Math.max(1, BLOCK_BYTES / format.blockAlign());
        this.block = new byte[frames * format.blockAlign()];
        this.blockBuffer = ByteBuffer.wrap(block);
        this.mono = new MonoMixdown(this, frames);
    }

    /** Opens a WAV file and reads its header. */
    public static StreamingWavReader open(Path file) throws IOException {
        return open(AudioDecoders.openChannel(file), file.toString());
    }

    /** Reads the WAV header on {@code ch}; the reader owns the channel and closes it. */
    public static StreamingWavReader open(SeekableByteChannel ch, String source) throws IOException {
        try {
            WavFormat format = WavFormat.parse(ch, source);
            StreamingWavReader r = new StreamingWavReader(ch, source, format);
            r.seek(0);
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The parsed header. */
    public WavFormat format() {
        return format;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int sampleRate() {
        return format.sampleRate();
    }

    @Override
    public int channelCount() {
        return format.channels();
    }

    @Override
    public int bitsPerSample() {
        return format.validBits();
    }

    @Override
    public long frames() {
        return format.frames();
    }

    /** Moves to frame {@code index} (0 to {@link #frames()}). */
    public void seek(long index) throws IOException {
        if (index < 0 || index > frames()) {
            throw new IllegalArgumentException("frame " + index + " is outside 0.." + frames());
        }
        frame = index;
        ch.position(format.dataOffset() + index * format.blockAlign());
    }

    @Override
    public long skip(long count) throws IOException {
        long n = Math.min(Math.max(count, 0), frames() - frame);
        seek(frame + n);
        return n;
    }

    @Override
    public int read(float[][] dst, int offset, int maxFrames) throws IOException {
        int total = 0;
        int frameBytes = format.blockAlign();
        while (total < maxFrames && frame < frames()) {
            int n = (int) Math.min(Math.min(maxFrames - total, frames() - frame), block.length / frameBytes);
            fill(n * frameBytes);
            if (!format.encoding().decode(block, 0, n, format.channels(), dst, offset + total)) {
                throw new AudioFormatException(source, "NaN or infinite sample in frames " + frame + ".."
                        + (frame + n - 1));
            }
            frame += n;
            total += n;
        }
        return total;
    }

    @Override
    public int readMono(float[] dst, int offset, int maxFrames) throws IOException {
        return mono.read(dst, offset, maxFrames);
    }

    /** Decodes all remaining frames; the header's frame count is exact, so this allocates once. */
    @Override
    public PcmAudio readAll() throws IOException {
        long left = frames() - frame;
        if (left > Integer.MAX_VALUE - 8) {
            throw new AudioFormatException(source, left + " frames are too many to decode at once; "
                    + "read the file with AudioDecoders.open instead");
        }
        float[][] planar = new float[format.channels()][(int) left];
        read(planar, 0, (int) left);
        return new PcmAudio(format.sampleRate(), planar);
    }

    private void fill(int bytes) throws IOException {
        blockBuffer.clear().limit(bytes);
        while (blockBuffer.hasRemaining()) {
            if (ch.read(blockBuffer) < 0) {
                throw new AudioFormatException(source, "truncated: file ends inside frame " + frame + " of "
                        + frames());
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
