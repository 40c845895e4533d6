package dev.mast.audio.decoding;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.AudioFormatException;
import dev.mast.audio.AudioFrontEnd;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random and corrupted bytes through every decoder and the front end: the only acceptable failure is an
 * {@link AudioFormatException}, and no input may make a decoder allocate much more than the input could hold
 * (a header claiming 4 GB must not be believed). Reproduce a failure from the seed and case in its message.
 */
class DecoderFuzzTest {
    private static final long SEED = 20240611L;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final String[] SEEDS = {"fbank/tone_short_16k_s16_mono.wav", "decoding/wav/s24_stereo_extensible.wav",
            "decoding/wav/u8_mono.wav", "decoding/wav/f64_mono.wav", "decoding/wav/s16_6ch_extensible.wav",
            "decoding/flac/s16_stereo_midside.flac", "decoding/flac/s24_stereo.flac", "decoding/flac/s16_6ch.flac",
            "decoding/flac/s16_mono_lpc8.flac", "decoding/flac/s16_wasted_bits.flac", "decoding/flac/s32_mono.flac"};

    private int decoded, rejected;

    /** Decodes through every entry point; fails on anything but success or an AudioFormatException. */
    private void feed(byte[] data, String what) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            AudioFrontEnd.kaldi().fromBytes(data, "fuzz");
            decoded++;
        } catch (AudioFormatException e) {
            assertFalse(e.getMessage().contains("\n"), what + ": multi-line message");
            assertTrue(e.getMessage().startsWith("fuzz: "), what + ": " + e.getMessage());
            rejected++;
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
        try (AudioStream s = AudioDecoders.open(new ByteArrayChannel(data), "fuzz")) {
            float[] buf = new float[777];
            while (s.readMono(buf, 0, buf.length) > 0) {
                // drain
            }
        } catch (AudioFormatException e) {
            // fine
        } catch (Throwable t) {
            throw new AssertionError(what + " (streaming): " + t, t);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long bound = (64L << 20) + 200L * data.length;
        assertTrue(allocated < bound, what + ": allocated " + allocated + " bytes for " + data.length + " input bytes");
    }

    private static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        for (String s : SEEDS) out.add(AudioFixtures.bytes(s));
        return out;
    }

    @Test
    void bitFlipsTruncationsAndOverwrites() {
        Random rnd = new Random(SEED);
        List<byte[]> seeds = seeds();
        for (int i = 0; i < 1500; i++) {
            int which = rnd.nextInt(seeds.size());
            byte[] d = seeds.get(which).clone();
            int kind = rnd.nextInt(4);
            // corrupt the headers and first frames more often than the tail: that is where the decisions are
            int span = rnd.nextBoolean() ? Math.min(d.length, 256) : d.length;
            switch (kind) {
                case 0 -> { // bit flips
                    for (int k = 1 + rnd.nextInt(8); k > 0; k--) d[rnd.nextInt(span)] ^= (byte) (1 << rnd.nextInt(8));
                }
                case 1 -> d = Arrays.copyOf(d, rnd.nextInt(d.length)); // truncation
                case 2 -> { // overwrite a run with random bytes
                    int at = rnd.nextInt(span), len = Math.min(d.length - at, 1 + rnd.nextInt(16));
                    for (int k = 0; k < len; k++) d[at + k] = (byte) rnd.nextInt(256);
                }
                default -> { // flips then truncation
                    d[rnd.nextInt(span)] ^= (byte) (1 << rnd.nextInt(8));
                    d = Arrays.copyOf(d, 1 + rnd.nextInt(d.length));
                }
            }
            feed(d, "seed " + SEED + " case " + i + " (" + SEEDS[which] + ", mutation " + kind + ")");
        }
        assertTrue(rejected > 0 && decoded > 0, "mutations should both pass and fail: " + decoded + "/" + rejected);
    }

    @Test
    void sizeFieldsSetToHugeValues() {
        long[] values = {0xFFFFFFFFL, 0x80000000L, 0x7FFFFFFFL, 0, 1};
        List<byte[]> seeds = seeds();
        for (int s = 0; s < seeds.size(); s++) {
            byte[] seed = seeds.get(s);

            for (int pos : sizeFieldOffsets(seed)) {
                for (long v : values) {
                    byte[] d = seed.clone();
                    // RIFF fields are little-endian, FLAC's big-endian
                    ByteOrder order = d[0] == 'R' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                    ByteBuffer.wrap(d).order(order).putInt(pos, (int) v);
                    feed(d, SEEDS[s] + ": 32-bit field at " + pos + " = " + v);
                }
            }
        }
    }

    /**
     * WAV: the RIFF size, every chunk size and every fmt field; FLAC: every 4-byte window over the metadata block
     * header, STREAMINFO and the start of the first frame.
     */
    private static List<Integer> sizeFieldOffsets(byte[] d) {
        List<Integer> out = new ArrayList<>();
        if (d[0] == 'R') {
            out.add(4);
            ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
            for (int pos = 12; pos + 8 <= d.length; ) {
                out.add(pos + 4);
                long size = Integer.toUnsignedLong(b.getInt(pos + 4));
                if (new String(d, pos, 4).equals("fmt ")) for (int k = 0; k + 4 <= size; k += 2) out.add(pos + 8 + k);
                pos += 8 + (int) Math.min(size + (size & 1), d.length);
            }
        } else {
            for (int pos = 4; pos < Math.min(d.length - 4, 56); pos++) out.add(pos);
        }
        return out;
    }

    @Test
    void randomBytesBehindValidMagic() {
        Random rnd = new Random(SEED + 1);
        String[] magics = {"RIFF\0\0\0\0WAVEfmt ", "RF64\u00ff\u00ff\u00ff\u00ffWAVEds64", "fLaC\0\0\0\"",
                "fLaC\u0080\0\0\"", "ID3\4\0\0\0\0\0\0fLaC", ""};
        for (int i = 0; i < 600; i++) {
            String m = magics[i % magics.length];
            byte[] d = new byte[m.length() + rnd.nextInt(600)];
            rnd.nextBytes(d);
            for (int k = 0; k < m.length(); k++) d[k] = (byte) m.charAt(k);
            feed(d, "random case " + i);
        }
    }
}
