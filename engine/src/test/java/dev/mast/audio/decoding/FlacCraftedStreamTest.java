package dev.mast.audio.decoding;

import dev.mast.audio.PcmAudio;
import dev.mast.audio.decoding.TestFlacWriter.Subframe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** FLAC features real encoders rarely emit, in streams built by {@link TestFlacWriter}. */
class FlacCraftedStreamTest {
    private final Random rnd = new Random(42);

    /** A smooth random walk within {@code bits} bits, so that predictors have something to predict. */
    private long[] walk(int n, int bits) {
        long max = (1L << (bits - 1)) - 1, v = 0;
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            v = Math.max(-max - 1, Math.min(max, v + rnd.nextInt(65) - 32));
            x[i] = v;
        }
        return x;
    }

    private static void assertDecodes(byte[] stream, int bps, long[][] expected) throws IOException {
        PcmAudio a = FlacDecoder.decode(stream, "crafted.flac");
        assertEquals(expected.length, a.channelCount());
        assertEquals(expected[0].length, a.frames());
        float scale = (float) (1.0 / (1L << (bps - 1)));
        for (int c = 0; c < expected.length; c++) {
            for (int i = 0; i < expected[c].length; i++) {
                assertEquals(expected[c][i] * scale, a.channel(c)[i], "channel " + c + " sample " + i);
            }
        }
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) n += p.length;
        long[] out = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void everyFixedOrderEscapesWastedBitsAndBlockSizeCodesIn12BitMono() throws IOException {
        int bps = 12;
        long[][] blocks = new long[9][];
        Subframe[] coding = {
                Subframe.fixed(0, 9, 0), Subframe.fixed(1, 5, 2), Subframe.fixed(2, 6, 3), Subframe.fixed(3, 7, 1),
                new Subframe(4, 8, 0, 2, true, 0),            // 5-bit Rice parameters
                Subframe.escaped(2, 14, 1),                    // escaped partitions, raw 14-bit residuals
                Subframe.fixed(1, 0, 0),                       // Rice parameter 0
                new Subframe(-1, 0, 0, 0, false, 0),           // verbatim
                new Subframe(2, 3, 0, 0, false, 3)};           // 3 wasted bits
        int[] sizes = {192, 200, 1000, 576, 256, 64, 40, 100, 96};
        TestFlacWriter w = new TestFlacWriter(16000, 1, bps, 0, 4096);
        for (int f = 0; f < blocks.length; f++) {
            blocks[f] = walk(sizes[f], bps);
            if (f == 6) java.util.Arrays.fill(blocks[f], 5); // residual 0 everywhere after the first sample
            if (f == 8) for (int i = 0; i < sizes[f]; i++) blocks[f][i] &= ~7L; // low 3 bits zero
            w.frame(new long[][] {blocks[f]}, 0, bps, false, f, 0, 0, 2, coding[f]);
        }
        assertDecodes(w.bytes(), bps, new long[][] {concat(blocks)});
    }

    @Test
    void leftSideRightSideAndMidSideIn20BitStereoWithVariableBlocking() throws IOException {
        int bps = 20, n = 300;
        TestFlacWriter w = new TestFlacWriter(44100, 2, bps, 4 * n, 4096);
        long[][] left = new long[4][], right = new long[4][];
        Subframe c = Subframe.fixed(2, 12, 2);
        long first = 0x7654321L; // sample numbers of a variable-blocksize stream: multi-byte coded
        int[][] rates = {{12, 44000}, {13, 44100}, {14, 44100}, {9, 0}};
        for (int f = 0; f < 4; f++) {
            left[f] = walk(n, bps);
            right[f] = walk(n, bps);
            long[] side = new long[n], mid = new long[n];
            for (int i = 0; i < n; i++) {
                side[i] = left[f][i] - right[f][i];
                mid[i] = (left[f][i] + right[f][i]) >> 1;
            }
            long[][] coded = switch (f) {
                case 0 -> new long[][] {left[f], right[f]};
                case 1 -> new long[][] {left[f], side};
                case 2 -> new long[][] {side, right[f]};
                default -> new long[][] {mid, side};
            };
            w.frame(coded, f == 0 ? 1 : 7 + f, bps, true, first + (long) f * n, rates[f][0], rates[f][1], 5, c, c);
        }
        assertDecodes(w.bytes(), bps, new long[][] {concat(left), concat(right)});
    }

    @Test
    void thirtyTwoBitSideChannelNeedsThirtyThreeBits() throws IOException {
        int bps = 32, n = 64;
        long[] l = new long[n], r = new long[n], side = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % 2 == 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            r[i] = -l[i] - 1;
            side[i] = l[i] - r[i]; // spans 33 bits
        }
        TestFlacWriter w = new TestFlacWriter(16000, 2, bps, n, 4096);
        Subframe verbatim = new Subframe(-1, 0, 0, 0, false, 0);
        w.frame(new long[][] {l, side}, 8, bps, false, 0, 0, 0, 7, verbatim, verbatim);
        assertDecodes(w.bytes(), bps, new long[][] {l, r});
    }
}
