package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Reads a native FLAC file (optionally behind an ID3v2 tag) one frame at a time. Samples come out on torchaudio's
 * scale, value / 2^(bits-1). Frame CRCs are always checked; when the whole stream is read from the start, the MD5
 * signature in STREAMINFO (if the encoder wrote one) and the total sample count are checked at the end.
 */
public final class StreamingFlacReader implements AudioStream {
    /** Frames per step of {@link #readMono} on a multichannel stream. */
    private static final int MONO_CHUNK = 4096;

    private final SeekableByteChannel ch;
    private final String source;
    private final FlacStreamInfo info;
    private final FlacFrameDecoder frames;
    private final float scale;
    private final MessageDigest md5;
    private final MonoMixdown mono = new MonoMixdown(this, MONO_CHUNK);
    private byte[] md5Bytes = new byte[0];
    private boolean md5Valid;
    /** Next unread sample of the current frame, and samples decoded so far in all frames. */
    private int cursor;
    private long decoded;
    private boolean finished;

    private StreamingFlacReader(SeekableByteChannel ch, String source, FlacBitReader in, FlacStreamInfo info) {
        this.ch = ch;
        this.source = source;
        this.info = info;
        this.frames = new FlacFrameDecoder(in, info);
        this.scale = (float) (1.0 / (1L << (info.bitsPerSample() - 1)));
        this.md5 = info.hasMd5() ? newMd5() : null;
        this.md5Valid = md5 != null;
    }

    /** Opens a FLAC file and reads its metadata. */
    public static StreamingFlacReader open(Path file) throws IOException {
        return open(AudioDecoders.openChannel(file), file.toString());
    }

    /** Reads the FLAC metadata on {@code ch}; the reader owns the channel and closes it. */
    public static StreamingFlacReader open(SeekableByteChannel ch, String source) throws IOException {
        try {
            skipId3(ch, source);
            FlacBitReader in = new FlacBitReader(ch, source);
            if (in.readBits(32) != 0x664C6143L) { // "fLaC"
                throw new AudioFormatException(source, "not a FLAC file (no 'fLaC' marker)");
            }
            FlacStreamInfo info = null;
            boolean last = false;
            while (!last) {
                last = in.readInt(1) == 1;
                int type = in.readInt(7);
                int length = in.readInt(24);
                if (info == null && type != 0) {
                    throw new AudioFormatException(source, "FLAC stream does not start with a STREAMINFO block");
                }
                if (type == 127) throw new AudioFormatException(source, "invalid FLAC metadata block type 127");
                if (type == 0) {
                    if (info != null) throw new AudioFormatException(source, "FLAC stream has two STREAMINFO blocks");
                    if (length != FlacStreamInfo.LENGTH) {
                        throw new AudioFormatException(source, "FLAC STREAMINFO block has " + length
                                + " bytes, expected 34");
                    }
                    info = FlacStreamInfo.read(in);
                } else {
                    in.skipBytes(length);
                }
            }
            return new StreamingFlacReader(ch, source, in, info);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Positions {@code ch} after an ID3v2 tag, which some tools put in front of the "fLaC" marker. */
    private static void skipId3(SeekableByteChannel ch, String source) throws IOException {
        ch.position(0);
        byte[] h = new byte[AudioDecoders.ID3_HEADER];
        long start = 0;
        if (AudioDecoders.readUpTo(ch, h) == h.length && h[0] == 'I' && h[1] == 'D' && h[2] == '3') {
            start = AudioDecoders.id3TagLength(h);
            if (start > ch.size()) throw new AudioFormatException(source, "truncated: ID3 tag runs past the end of the file");
        }
        ch.position(start);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int sampleRate() {
        return info.sampleRate();
    }

    @Override
    public int channelCount() {
        return info.channels();
    }

    @Override
    public int bitsPerSample() {
        return info.bitsPerSample();
    }

    @Override
    public long frames() {
        return info.totalSamples() > 0 ? info.totalSamples() : -1;
    }

    @Override
    public int read(float[][] dst, int offset, int maxFrames) throws IOException {
        int total = 0;
        while (total < maxFrames && ensureFrame()) {
            int n = Math.min(maxFrames - total, frames.blockSize() - cursor);
            long[][] s = frames.samples();
            for (int c = 0; c < s.length; c++) {
                long[] src = s[c];
                float[] out = dst[c];
                for (int i = 0; i < n; i++) out[offset + total + i] = src[cursor + i] * scale;
            }
            cursor += n;
            total += n;
        }
        return total;
    }

    @Override
    public int readMono(float[] dst, int offset, int maxFrames) throws IOException {
        return mono.read(dst, offset, maxFrames);
    }

    @Override
    public long skip(long count) throws IOException {
        long done = 0;
        while (done < count && ensureFrame()) {
            int n = (int) Math.min(count - done, frames.blockSize() - cursor);
            cursor += n;
            done += n;
        }
        md5Valid = false; // skipped samples were still decoded, but a partial read is not worth hashing
        return done;
    }

    /** Makes sure the current frame has unread samples; false at the end of the stream. */
    private boolean ensureFrame() throws IOException {
        while (!finished && cursor == frames.blockSize()) {
            long total = info.totalSamples();
            if (total > 0 && decoded == total) {
                finish(); // trailing bytes after the declared samples (e.g. an ID3v1 tag) are ignored
                break;
            }
            if (!frames.next()) {
                finish();
                break;
            }
            cursor = 0;
            decoded += frames.blockSize();
            if (total > 0 && decoded > total) {
                throw new AudioFormatException(source, "corrupt: frames hold more than the " + total
                        + " samples STREAMINFO declares");
            }
            if (md5 != null) hashFrame();
        }
        return !finished;
    }

    private void finish() throws AudioFormatException {
        finished = true;
        cursor = frames.blockSize();
        long total = info.totalSamples();
        if (total > 0 && decoded < total) {
            throw new AudioFormatException(source, "truncated: STREAMINFO declares " + total
                    + " samples but the stream ends after " + decoded);
        }
        if (md5Valid && !MessageDigest.isEqual(md5.digest(), info.md5())) {
            throw new AudioFormatException(source, "corrupt: MD5 of the decoded samples does not match STREAMINFO");
        }
    }

    /** Feeds the frame to the MD5: interleaved, little-endian, ceil(bits/8) bytes per sample. */
    private void hashFrame() {
        long[][] s = frames.samples();
        int bytes = (info.bitsPerSample() + 7) / 8, n = frames.blockSize(), chs = s.length;
        int len = n * chs * bytes;
        if (md5Bytes.length < len) md5Bytes = new byte[len];
        int p = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < chs; c++) {
                long v = s[c][i];
                for (int b = 0; b < bytes; b++) md5Bytes[p++] = (byte) (v >>> (8 * b));
            }
        }
        md5.update(md5Bytes, 0, len);
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
