package dev.mast.audio;

import dev.mast.engine.io.FileFormatException;

/**
 * Audio that cannot be decoded or turned into features: a truncated or malformed file, a header that lies about its
 * sizes, an unsupported codec, zero channels, or a clip too short for one analysis frame. The message is one line,
 * {@code "SOURCE: problem"}, ready to show a user.
 */
public class AudioFormatException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** @param source the file name or a description of the stream, put in front of the message */
    public AudioFormatException(String source, String problem) {
        super(source, problem);
    }

    public AudioFormatException(String source, String problem, Throwable cause) {
        super(source, problem, cause);
    }
}
