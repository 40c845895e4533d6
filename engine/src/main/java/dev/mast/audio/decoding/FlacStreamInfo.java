package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;

import java.io.IOException;

/**
 * The STREAMINFO metadata block that opens every FLAC stream.
 *
 * @param minBlockSize  smallest block size in samples
 * @param maxBlockSize  largest block size in samples
 * @param sampleRate    Hz
 * @param channels      1..8
 * @param bitsPerSample 4..32
 * @param totalSamples  samples per channel, 0 when unknown
 * @param md5           MD5 of the decoded samples (interleaved little-endian), all zero when not computed
 */
record FlacStreamInfo(int minBlockSize, int maxBlockSize, int sampleRate, int channels, int bitsPerSample,
                      long totalSamples, byte[] md5) {
    static final int LENGTH = 34;

    static FlacStreamInfo read(FlacBitReader in) throws IOException {
        String src = in.source();
        int minBlock = in.readInt(16);
        int maxBlock = in.readInt(16);
        in.readBits(24); // min frame size
        in.readBits(24); // max frame size
        int rate = in.readInt(20);
        int channels = in.readInt(3) + 1;
        int bps = in.readInt(5) + 1;
        long total = in.readBits(36);
        byte[] md5 = new byte[16];
        in.readBytes(md5, 16);
        if (rate == 0) throw new AudioFormatException(src, "FLAC STREAMINFO declares a sample rate of 0 Hz");
        if (bps < 4) throw new AudioFormatException(src, "FLAC STREAMINFO declares " + bps + " bits per sample");
        if (maxBlock < 16 || minBlock > maxBlock) {
            throw new AudioFormatException(src, "FLAC STREAMINFO block sizes " + minBlock + ".." + maxBlock
                    + " are invalid");
        }
        return new FlacStreamInfo(minBlock, maxBlock, rate, channels, bps, total, md5);
    }

    boolean hasMd5() {
        for (byte b : md5) if (b != 0) return true;
        return false;
    }
}
