package dev.mast.engine.io;

import java.io.IOException;

/**
 * A file (or byte stream) that cannot be read as what it claims to be: truncated, malformed, hostile or of an
 * unsupported variant. The message is one line that says which input and what is wrong, ready to show a user.
 */
public class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param source the file name or a description of the stream, put in front of the message */
    public FileFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    public FileFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
