package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Most-significant-bit-first bit reader over a FLAC file. Bytes from the {@link #markFrame() frame mark} onwards stay
 * in the buffer until the next mark, so the frame's CRCs can be computed over its raw bytes once it is parsed; the
 * buffer grows only as large as the largest frame (bounded by {@link #MAX_FRAME_BYTES}).
 */
final class FlacBitReader {
    /** Larger than any legal frame (65535 samples x 8 channels x 33 bits, plus headers). */
    static final int MAX_FRAME_BYTES = 1 << 22;

    private final SeekableByteChannel ch;
    private final String source;
    private byte[] buf = new byte[1 << 16];
    /** File offset of buf[0]. */
    private long bufOffset;
    private int pos, limit, mark;
    /** The next {@code bits} bits of the stream are the low bits of {@code cache}, most significant first. */
    private long cache;
    private int bits;
    private boolean eof;

    FlacBitReader(SeekableByteChannel ch, String source) throws IOException {
        this.ch = ch;
        this.source = source;
        this.bufOffset = ch.position();
    }

    String source() {
        return source;
    }

    /** File offset of the next unread whole byte. */
    long byteOffset() {
        return bufOffset + pos - bits / 8;
    }

    /** True when every byte of the file has been consumed. */
    boolean atEnd() throws IOException {
        if (bits >= 8 || pos < limit) return false;
        return !load();
    }

    /** Starts a frame: keeps bytes from here on for {@link #crc8SinceMark} and {@link #crc16SinceMark}. */
    void markFrame() {
        requireAligned();
        mark = pos - bits / 8;
    }

    int crc8SinceMark() {
        requireAligned();
        return FlacCrc.crc8(buf, mark, pos - bits / 8);
    }

    int crc16SinceMark() {
        requireAligned();
        return FlacCrc.crc16(buf, mark, pos - bits / 8);
    }

    /** Skips to the next byte boundary (the zero padding at the end of a frame). */
    void alignToByte() {
        bits -= bits % 8;
    }

    /** Reads {@code n} (0..48) bits as an unsigned value. */
    long readBits(int n) throws IOException {
        if (n == 0) return 0;
        if (bits < n) refill(n);
        bits -= n;
        return (cache >>> bits) & ((1L << n) - 1);
    }

    int readInt(int n) throws IOException {
        return (int) readBits(n);
    }

    /** Reads an {@code n}-bit two's-complement value (0..48 bits). */
    long readSigned(int n) throws IOException {
        if (n == 0) return 0;
        long v = readBits(n);
        return (v << (64 - n)) >> (64 - n);
    }

    /** Counts zero bits up to and including the next one bit (which is consumed); returns the count of zeros. */
    long readUnary() throws IOException {
        long count = 0;
        while (true) {
            if (bits == 0) refill(1);
            long window = cache & ((1L << bits) - 1);
            if (window != 0) {
                int zeros = Long.numberOfLeadingZeros(window) - (64 - bits);
                bits -= zeros + 1;
                return count + zeros;
            }
            count += bits;
            bits = 0;
        }
    }

    /** Reads {@code n} whole bytes into {@code dst} (must be byte-aligned). */
    void readBytes(byte[] dst, int n) throws IOException {
        for (int i = 0; i < n; i++) dst[i] = (byte) readBits(8);
    }

    /** Skips {@code n} bytes (must be byte-aligned), seeking past what is not buffered. */
    void skipBytes(long n) throws IOException {
        requireAligned();
        long target = byteOffset() + n;
        if (target > ch.size()) {
            throw new AudioFormatException(source, "truncated: a metadata block runs past the end of the file");
        }
        bits = 0;
        if (target <= bufOffset + limit) {
            pos = (int) (target - bufOffset);
        } else {
            ch.position(target);
            bufOffset = target;
            pos = limit = mark = 0;
        }
    }

    /** Loads whole bytes into the cache (up to 56 bits) so that it holds at least {@code n} bits, or fails at the end of the file. */
    private void refill(int n) throws IOException {
        while (bits <= 48) {
            if (pos == limit && !load()) break;
            cache = (cache << 8) | (buf[pos++] & 0xFF);
            bits += 8;
        }
        if (bits < n) {
            throw new AudioFormatException(source, "truncated: file ends in the middle of a frame at offset "
                    + (bufOffset + limit));
        }
    }

    /** Reads more of the file into the buffer, keeping bytes from the mark on; false at the end of the file. */
    private boolean load() throws IOException {
        if (eof) return false;
        int keep = Math.min(mark, pos);
        if (keep > 0) {
            System.arraycopy(buf, keep, buf, 0, limit - keep);
            bufOffset += keep;
            pos -= keep;
            limit -= keep;
            mark -= keep;
        }
        if (limit == buf.length) {
            if (buf.length >= MAX_FRAME_BYTES) {
                throw new AudioFormatException(source, "corrupt: frame at offset " + (bufOffset + mark)
                        + " is longer than " + MAX_FRAME_BYTES + " bytes");
            }
            buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        int got = ch.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
        if (got <= 0) {
            eof = got < 0;
            return false;
        }
        limit += got;
        return true;
    }

    private void requireAligned() {
        if (bits % 8 != 0) throw new IllegalStateException("bit reader is not at a byte boundary");
    }
}
