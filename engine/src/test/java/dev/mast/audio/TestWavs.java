package dev.mast.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Builds WAV files byte by byte for tests, independently of the decoder under test, and test tones. Shared with the
 * tests of the other modules (engine's test-jar).
 */
public final class TestWavs {
    private TestWavs() {}

    /** A RIFF chunk: id, little-endian size, body, pad byte if the size is odd. */
    public static byte[] chunk(String id, byte[] body) {
        return chunk(id, body.length, body);
    }

    /** A chunk whose size field says {@code declaredSize} whatever the body length. */
    public static byte[] chunk(String id, long declaredSize, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt((int) declaredSize).put(body);
        return b.array();
    }

    /** A 16-byte fmt body. */
    public static byte[] fmt(int tag, int channels, int rate, int bits, int blockAlign) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) tag).putShort((short) channels)
                .putInt(rate).putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits).array();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body with the standard sub-format GUID for {@code subTag}. */
    public static byte[] fmtExtensible(int subTag, int channels, int rate, int containerBits, int validBits) {
        int blockAlign = channels * containerBits / 8;
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(fmt(0xFFFE, channels, rate, containerBits, blockAlign));
        b.putShort((short) 22).putShort((short) validBits).putInt(channels == 2 ? 3 : 4);
        b.putShort((short) subTag).put(new byte[] {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
                (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        return b.array();
    }

    /** "RIFF" size "WAVE" followed by the given chunks. */
    public static byte[] riff(byte[]... chunks) {
        return container("RIFF", -1, chunks);
    }

    /** A container with the given magic and RIFF size field (-1: the true size). */
    public static byte[] container(String magic, long riffSize, byte[]... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] c : chunks) out.writeBytes(c);
        byte[] body = out.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt((int) (riffSize < 0 ? 4 + body.length : riffSize));
        b.put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body);
        return b.array();
    }

    /** A plain 16-bit PCM WAV of interleaved samples. */
    public static byte[] pcm16(int rate, int channels, short[] interleaved) {
        ByteBuffer d = ByteBuffer.allocate(interleaved.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : interleaved) d.putShort(s);
        return riff(chunk("fmt ", fmt(1, channels, rate, 16, 2 * channels)), chunk("data", d.array()));
    }

    /** Writes a mono 16-bit PCM WAV of {@code pcm} to {@code file}. */
    public static Path writeMono16(Path file, short[] pcm, int rate) throws IOException {
        return Files.write(file, pcm16(rate, 1, pcm));
    }

    /** 16-bit samples of a {@code hz} tone (amplitude 0.4) over a seeded Gaussian noise floor (0.02). */
    public static short[] tone(double hz, int samples, int rate, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            double v = 0.4 * Math.sin(2 * Math.PI * hz * i / rate) + 0.02 * rng.nextGaussian();
            out[i] = (short) Math.round(Math.max(-1, Math.min(1, v)) * 32767);
        }
        return out;
    }
}
