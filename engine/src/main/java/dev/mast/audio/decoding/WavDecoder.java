package dev.mast.audio.decoding;

import dev.mast.audio.PcmAudio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Decodes whole WAV files: RIFF, RF64 and BW64; PCM 8 (unsigned), 16, 24 and 32 bits; IEEE float 32 and 64 bits;
 * WAVE_FORMAT_EXTENSIBLE; any channel count. For long files use {@link StreamingWavReader}.
 */
public final class WavDecoder {
    private WavDecoder() {}

    public static PcmAudio decode(Path file) throws IOException {
        try (StreamingWavReader r = StreamingWavReader.open(file)) {
            return r.readAll();
        }
    }

    /** Decodes an in-memory WAV file; {@code source} names it in error messages. */
    public static PcmAudio decode(byte[] bytes, String source) throws IOException {
        try (StreamingWavReader r = StreamingWavReader.open(new ByteArrayChannel(bytes), source)) {
            return r.readAll();
        }
    }
}
