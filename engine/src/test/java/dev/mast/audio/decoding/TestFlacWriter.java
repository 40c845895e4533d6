package dev.mast.audio.decoding;

import java.io.ByteArrayOutputStream;

/**
 * Writes FLAC streams bit by bit from the format specification (RFC 9639), choosing every coding decision
 * explicitly, so that tests reach the parts of the format a real encoder rarely emits: every fixed predictor order,
 * left/side and right/side stereo, escaped residual partitions, variable-blocksize headers, 12- and 20-bit samples.
 */
final class TestFlacWriter {
    /** How one subframe is coded. {@code order} < 0 means VERBATIM; {@code riceParam} < 0 means escaped. */
    record Subframe(int fixedOrder, int riceParam, int escapeBits, int partitionOrder, boolean fiveBitParams,
                    int wastedBits) {
        static Subframe fixed(int order, int riceParam, int partitionOrder) {
            return new Subframe(order, riceParam, 0, partitionOrder, false, 0);
        }

        static Subframe escaped(int order, int rawBits, int partitionOrder) {
            return new Subframe(order, -1, rawBits, partitionOrder, false, 0);
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long acc;
    private int accBits;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();

    /** "fLaC" and a STREAMINFO block (no MD5). */
    TestFlacWriter(int rate, int channels, int bps, long totalSamples, int maxBlock) {
        bits(0x664C6143L, 32);
        bits(1, 1); // last metadata block
        bits(0, 7);
        bits(34, 24);
        bits(16, 16);
        bits(maxBlock, 16);
        bits(0, 24);
        bits(0, 24);
        bits(rate, 20);
        bits(channels - 1, 3);
        bits(bps - 1, 5);
        bits(totalSamples, 36);
        for (int i = 0; i < 16; i++) bits(0, 8);
        flushTo(out);
    }

    /**
     * One frame. {@code coded} are the channels as stored (already decorrelated for codes 8..10).
     *
     * @param number     frame number (fixed blocking) or first sample number (variable blocking)
     * @param rateCode   4-bit sample-rate code (12..14 add the rate to the header)
     * @param sizeCode   3-bit sample-size code
     */
    void frame(long[][] coded, int chCode, int bps, boolean variable, long number, int rateCode, int rateValue,
               int sizeCode, Subframe... subframes) {
        int n = coded[0].length;
        bits(0x7FFC, 15);
        bits(variable ? 1 : 0, 1);
        int bsCode = n == 192 ? 1 : n <= 256 ? 6 : 7;
        bits(bsCode, 4);
        bits(rateCode, 4);
        bits(chCode, 4);
        bits(sizeCode, 3);
        bits(0, 1);
        codedNumber(number);
        if (bsCode == 6) bits(n - 1, 8);
        if (bsCode == 7) bits(n - 1, 16);
        if (rateCode == 12) bits(rateValue / 1000, 8);
        if (rateCode == 13) bits(rateValue, 16);
        if (rateCode == 14) bits(rateValue / 10, 16);
        byte[] header = peekBytes();
        bits(crc8(header), 8);
        for (int c = 0; c < coded.length; c++) {
            boolean side = (chCode == 8 && c == 1) || (chCode == 9 && c == 0) || (chCode == 10 && c == 1);
            subframe(coded[c], bps + (side ? 1 : 0), subframes[c]);
        }
        if (accBits % 8 != 0) bits(0, 8 - accBits % 8);
        byte[] body = peekBytes();
        bits(crc16(body), 16);
        flushTo(out);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void subframe(long[] s, int bps, Subframe sf) {
        int n = s.length;
        bits(0, 1);
        int w = sf.wastedBits();
        if (sf.fixedOrder() < 0) {
            bits(1, 6);
            bits(w > 0 ? 1 : 0, 1);
            if (w > 0) unary(w - 1);
            for (long v : s) bits(v >> w, bps - w);
            return;
        }
        int order = sf.fixedOrder();
        bits(8 + order, 6);
        bits(w > 0 ? 1 : 0, 1);
        if (w > 0) unary(w - 1);
        long[] x = new long[n];
        for (int i = 0; i < n; i++) x[i] = s[i] >> w;
        for (int i = 0; i < order; i++) bits(x[i], bps - w);
        long[] res = new long[n];
        for (int i = order; i < n; i++) res[i] = x[i] - fixedPrediction(x, i, order);
        bits(sf.fiveBitParams() ? 1 : 0, 2);
        bits(sf.partitionOrder(), 4);
        int parts = 1 << sf.partitionOrder(), size = n >> sf.partitionOrder();
        int paramBits = sf.fiveBitParams() ? 5 : 4;
        for (int p = 0, i = order; p < parts; p++) {
            int end = (p + 1) * size;
            if (sf.riceParam() < 0) {
                bits((1 << paramBits) - 1, paramBits);
                bits(sf.escapeBits(), 5);
                for (; i < end; i++) bits(res[i], sf.escapeBits());
            } else {
                int k = sf.riceParam();
                bits(k, paramBits);
                for (; i < end; i++) {
                    long u = res[i] >= 0 ? 2 * res[i] : -2 * res[i] - 1; // zigzag
                    unary(u >> k);
                    bits(u, k);
                }
            }
        }
    }

    private static long fixedPrediction(long[] x, int i, int order) {
        return switch (order) {
            case 0 -> 0;
            case 1 -> x[i - 1];
            case 2 -> 2 * x[i - 1] - x[i - 2];
            case 3 -> 3 * x[i - 1] - 3 * x[i - 2] + x[i - 3];
            default -> 4 * x[i - 1] - 6 * x[i - 2] + 4 * x[i - 3] - x[i - 4];
        };
    }

    /** UTF-8-style coding of up to 36 bits. */
    private void codedNumber(long v) {
        if (v < 0x80) {
            bits(v, 8);
            return;
        }
        int extra = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : v < 0x80000000L ? 5 : 6;
        long lead = (0xFF00L >> (extra + 1)) & 0xFF; // extra+1 one bits
        bits(lead | (v >>> (6 * extra)), 8);
        for (int i = extra - 1; i >= 0; i--) bits(0x80 | ((v >>> (6 * i)) & 0x3F), 8);
    }

    private void unary(long zeros) {
        for (long i = 0; i < zeros; i++) bits(0, 1);
        bits(1, 1);
    }

    private void bits(long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            acc = (acc << 1) | ((v >>> i) & 1);
            if (++accBits % 8 == 0) frame.write((int) (acc & 0xFF));
        }
    }

    private byte[] peekBytes() {
        return frame.toByteArray();
    }

    private void flushTo(ByteArrayOutputStream dst) {
        dst.writeBytes(frame.toByteArray());
        frame.reset();
        accBits = 0;
    }

    private static int crc8(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= x & 0xFF;
            for (int i = 0; i < 8; i++) crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
        }
        return crc;
    }

    private static int crc16(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= (x & 0xFF) << 8;
            for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return crc;
    }
}
