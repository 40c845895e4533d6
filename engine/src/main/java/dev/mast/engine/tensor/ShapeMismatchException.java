package dev.mast.engine.tensor;

/** Thrown when tensors handed to an operation have shapes that do not fit together; the message names them. */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeMismatchException(String message) {
        super(message);
    }
}
