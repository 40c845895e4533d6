package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;

import java.io.IOException;

/**
 * Decodes one FLAC frame into integer samples per channel: the frame header (checked with its CRC-8), one subframe
 * per channel (constant, verbatim, fixed predictor of order 0..4, or LPC of order 1..32, each with optional wasted
 * bits), Rice-coded residuals (4- or 5-bit parameters, escaped partitions), stereo decorrelation (left/side,
 * side/right, mid/side) and the CRC-16 of the whole frame. Every field that sizes or indexes something is checked
 * before use, so corrupt input fails with an {@link AudioFormatException}.
 */
final class FlacFrameDecoder {
    private static final int SYNC = 0x7FFC; // 0b111111111111100, 15 bits
    private static final int MAX_BLOCK = 65536;

    private final FlacBitReader in;
    private final FlacStreamInfo info;
    private final String src;
    /** Decoded samples of the current frame, [channel][sample]. */
    private long[][] samples;
    private int blockSize;
    private long frameNumber;
    private final long[] coefs = new long[32];

    FlacFrameDecoder(FlacBitReader in, FlacStreamInfo info) {
        this.in = in;
        this.info = info;
        this.src = in.source();
        this.samples = new long[info.channels()][Math.min(info.maxBlockSize(), MAX_BLOCK)];
    }

    /** Samples of the last decoded frame, [channel][0 .. blockSize). */
    long[][] samples() {
        return samples;
    }

    int blockSize() {
        return blockSize;
    }

    /** Decodes the next frame; returns false at the end of the file. */
    boolean next() throws IOException {
        if (in.atEnd()) return false;
        long offset = in.byteOffset();
        in.markFrame();
        if (in.readInt(15) != SYNC) {
            throw new AudioFormatException(src, "corrupt: no FLAC frame sync code at offset " + offset + " (frame "
                    + frameNumber + ")");
        }
        in.readBits(1); // blocking strategy: fixed or variable block size; we decode sequentially either way
        int bsCode = in.readInt(4);
        int rateCode = in.readInt(4);
        int chCode = in.readInt(4);
        int sizeCode = in.readInt(3);
        if (in.readInt(1) != 0) throw corrupt(offset, "reserved header bit set");
        readCodedNumber(offset);
        int bs = switch (bsCode) {
            case 0 -> throw corrupt(offset, "reserved block size code 0");
            case 1 -> 192;
            case 2, 3, 4, 5 -> 576 << (bsCode - 2);
            case 6 -> in.readInt(8) + 1;
            case 7 -> in.readInt(16) + 1;
            default -> 256 << (bsCode - 8);
        };
        switch (rateCode) {
            case 12 -> in.readBits(8);
            case 13, 14 -> in.readBits(16);
            case 15 -> throw corrupt(offset, "invalid sample rate code 15");
            default -> { } // the stream's rate governs; per-frame rates are informational
        }
        int bps = switch (sizeCode) {
            case 0 -> info.bitsPerSample();
            case 1 -> 8;
            case 2 -> 12;
            case 4 -> 16;
            case 5 -> 20;
            case 6 -> 24;
            case 7 -> 32;
            default -> throw corrupt(offset, "reserved sample size code 3");
        };
        int expectedCrc = in.crc8SinceMark();
        if (in.readInt(8) != expectedCrc) throw corrupt(offset, "frame header CRC-8 mismatch");
        if (bps != info.bitsPerSample()) {
            throw corrupt(offset, "frame has " + bps + " bits per sample, STREAMINFO says " + info.bitsPerSample());
        }
        int channels = chCode < 8 ? chCode + 1 : 2;
        if (chCode > 10) throw corrupt(offset, "reserved channel assignment " + chCode);
        if (channels != info.channels()) {
            throw corrupt(offset, "frame has " + channels + " channels, STREAMINFO says " + info.channels());
        }
        if (samples[0].length < bs) samples = new long[channels][bs];
        blockSize = bs;

        for (int c = 0; c < channels; c++) {
            boolean side = (chCode == 8 && c == 1) || (chCode == 9 && c == 0) || (chCode == 10 && c == 1);
            decodeSubframe(offset, samples[c], bps + (side ? 1 : 0));
        }
        if (chCode >= 8) decorrelate(chCode);

        in.alignToByte();
        int crc16 = in.crc16SinceMark();
        if (in.readInt(16) != crc16) throw corrupt(offset, "frame CRC-16 mismatch");
        frameNumber++;
        return true;
    }

    /** The frame or sample number, coded like UTF-8 (up to 7 bytes, 36 bits); only validated here. */
    private void readCodedNumber(long offset) throws IOException {
        int first = in.readInt(8);
        int extra;
        if ((first & 0x80) == 0) extra = 0;
        else if ((first & 0xE0) == 0xC0) extra = 1;
        else if ((first & 0xF0) == 0xE0) extra = 2;
        else if ((first & 0xF8) == 0xF0) extra = 3;
        else if ((first & 0xFC) == 0xF8) extra = 4;
        else if ((first & 0xFE) == 0xFC) extra = 5;
        else if (first == 0xFE) extra = 6;
        else throw corrupt(offset, "invalid coded frame number");
        for (int i = 0; i < extra; i++) {
            if ((in.readInt(8) & 0xC0) != 0x80) throw corrupt(offset, "invalid coded frame number");
        }
    }

    private void decodeSubframe(long offset, long[] s, int bps) throws IOException {
        if (in.readInt(1) != 0) throw corrupt(offset, "subframe padding bit set");
        int type = in.readInt(6);
        int wasted = 0;
        if (in.readInt(1) == 1) {
            long k = in.readUnary() + 1;
            if (k >= bps) throw corrupt(offset, k + " wasted bits in a " + bps + "-bit subframe");
            wasted = (int) k;
        }
        int sbps = bps - wasted;
        int n = blockSize;
        if (type == 0) {
            long v = in.readSigned(sbps);
            for (int i = 0; i < n; i++) s[i] = v;
        } else if (type == 1) {
            for (int i = 0; i < n; i++) s[i] = in.readSigned(sbps);
        } else if (type >= 8 && type <= 12) {
            int order = type - 8;
            warmUp(offset, s, order, sbps);
            residual(offset, s, order);
            fixedPredict(s, order, n);
        } else if (type >= 32) {
            int order = type - 31;
            warmUp(offset, s, order, sbps);
            int precision = in.readInt(4) + 1;
            if (precision == 16) throw corrupt(offset, "invalid LPC coefficient precision");
            int shift = (int) in.readSigned(5);
            if (shift < 0) throw corrupt(offset, "negative LPC shift " + shift);
            for (int j = 0; j < order; j++) coefs[j] = in.readSigned(precision);
            residual(offset, s, order);
            lpcPredict(s, order, shift, n);
        } else {
            throw corrupt(offset, "reserved subframe type " + type);
        }
        if (wasted > 0) {
            for (int i = 0; i < n; i++) s[i] <<= wasted;
        }
    }

    private void warmUp(long offset, long[] s, int order, int sbps) throws IOException {
        if (order > blockSize) throw corrupt(offset, "predictor order " + order + " exceeds block size " + blockSize);
        for (int i = 0; i < order; i++) s[i] = in.readSigned(sbps);
    }

    /** Reads the Rice-coded residual into s[order .. blockSize). */
    private void residual(long offset, long[] s, int order) throws IOException {
        int method = in.readInt(2);
        if (method > 1) throw corrupt(offset, "reserved residual coding method " + method);
        int paramBits = method == 0 ? 4 : 5;
        int escape = (1 << paramBits) - 1;
        int partitionOrder = in.readInt(4);
        int partitions = 1 << partitionOrder;
        int size = blockSize >> partitionOrder;
        if ((blockSize & (partitions - 1)) != 0 || size < order) {
            throw corrupt(offset, "residual partition order " + partitionOrder + " does not fit block size "
                    + blockSize + " and predictor order " + order);
        }
        int i = order;
        for (int p = 0; p < partitions; p++) {
            int end = (p + 1) * size;
            int param = in.readInt(paramBits);
            if (param == escape) {
                int raw = in.readInt(5);
                for (; i < end; i++) s[i] = in.readSigned(raw);
            } else {
                for (; i < end; i++) {
                    long v = (in.readUnary() << param) | in.readBits(param);
                    s[i] = (v >>> 1) ^ -(v & 1);
                }
            }
        }
    }

    /** s[i] = residual + fixed polynomial prediction from the previous samples. */
    private static void fixedPredict(long[] s, int order, int n) {
        switch (order) {
            case 1 -> {
                for (int i = 1; i < n; i++) s[i] += s[i - 1];
            }
            case 2 -> {
                for (int i = 2; i < n; i++) s[i] += 2 * s[i - 1] - s[i - 2];
            }
            case 3 -> {
                for (int i = 3; i < n; i++) s[i] += 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3];
            }
            case 4 -> {
                for (int i = 4; i < n; i++) s[i] += 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4];
            }
            default -> { } // order 0: the residual is the signal
        }
    }

    /** s[i] = residual + (sum_j coef[j] * s[i-1-j]) >> shift. */
    private void lpcPredict(long[] s, int order, int shift, int n) {
        long[] c = coefs;
        for (int i = order; i < n; i++) {
            long sum = 0;
            for (int j = 0; j < order; j++) sum += c[j] * s[i - 1 - j];
            s[i] += sum >> shift;
        }
    }

    /** Turns the two coded channels of a stereo frame back into left and right. */
    private void decorrelate(int chCode) {
        long[] a = samples[0], b = samples[1];
        int n = blockSize;
        switch (chCode) {
            case 8 -> { // left, side = left - right
                for (int i = 0; i < n; i++) b[i] = a[i] - b[i];
            }
            case 9 -> { // side, right
                for (int i = 0; i < n; i++) a[i] += b[i];
            }
            case 10 -> { // mid = (left + right) >> 1 without its low bit, side = left - right
                for (int i = 0; i < n; i++) {
                    long side = b[i];
                    long mid = (a[i] << 1) | (side & 1);
                    a[i] = (mid + side) >> 1;
                    b[i] = (mid - side) >> 1;
                }
            }
            default -> throw new IllegalArgumentException("not a stereo decorrelation code: " + chCode);
        }
    }

    private AudioFormatException corrupt(long offset, String what) {
        return new AudioFormatException(src, "corrupt FLAC frame " + frameNumber + " at offset " + offset + ": "
                + what);
    }
}
