package dev.mast.audio.decoding;

import dev.mast.audio.PcmAudio;

import java.io.IOException;

/**
 * {@link AudioStream#readMono} for the streaming readers: a one-channel stream reads straight into the caller's
 * array; otherwise blocks of planar frames go through scratch memory kept for the stream's lifetime and are averaged.
 */
final class MonoMixdown {
    private final AudioStream stream;
    private final int chunkFrames;
    private float[][] scratch;

    /** @param chunkFrames frames decoded into scratch per step: the scratch holds this many per channel */
    MonoMixdown(AudioStream stream, int chunkFrames) {
        this.stream = stream;
        this.chunkFrames = chunkFrames;
    }

    int read(float[] dst, int offset, int maxFrames) throws IOException {
        if (stream.channelCount() == 1) return stream.read(new float[][] {dst}, offset, maxFrames);
        if (scratch == null) scratch = new float[stream.channelCount()][chunkFrames];
        int total = 0;
        while (total < maxFrames) {
            int n = stream.read(scratch, 0, Math.min(chunkFrames, maxFrames - total));
            if (n == 0) break;
            PcmAudio.mixToMono(scratch, 0, dst, offset + total, n);
            total += n;
        }
        return total;
    }
}
