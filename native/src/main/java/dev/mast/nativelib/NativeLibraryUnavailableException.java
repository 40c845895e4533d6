package dev.mast.nativelib;

/** A native library the caller asked for is not installed or cannot be loaded; the message says which and why. */
public class NativeLibraryUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NativeLibraryUnavailableException(String message) {
        super(message);
    }
}
