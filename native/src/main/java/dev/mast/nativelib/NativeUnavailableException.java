package dev.mast.nativelib;

/**
 * A native library cannot be used on this machine: not bundled for this platform, not extractable, or not loadable.
 * The message is one line naming the library and the reason, fit to print as a notice before falling back to
 * the Java kernels.
 */
public final class NativeUnavailableException extends Exception {
    public NativeUnavailableException(String message) {
        super(message);
    }

    public NativeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
