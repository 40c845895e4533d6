package dev.mast.engine.io;

/**
 * Text that is not valid JSON (or JSON of the wrong shape for what reads it). The message is one line and says
 * where: a line and column for syntax errors, a field path for shape errors.
 */
public class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
