package dev.mast.audio.decoding;

import dev.mast.audio.PcmAudio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Decodes whole native FLAC files (4 to 32 bits, 1 to 8 channels), checking every frame's CRCs and the stream's
 * MD5 signature. A decoder of our own: no maintained pure-Java FLAC decoder is published on Maven Central. For long
 * files use {@link StreamingFlacReader}.
 */
public final class FlacDecoder {
    private FlacDecoder() {}

    public static PcmAudio decode(Path file) throws IOException {
        try (StreamingFlacReader r = StreamingFlacReader.open(file)) {
            return r.readAll();
        }
    }

    /** Decodes an in-memory FLAC file; {@code source} names it in error messages. */
    public static PcmAudio decode(byte[] bytes, String source) throws IOException {
        try (StreamingFlacReader r = StreamingFlacReader.open(new ByteArrayChannel(bytes), source)) {
            return r.readAll();
        }
    }
}
