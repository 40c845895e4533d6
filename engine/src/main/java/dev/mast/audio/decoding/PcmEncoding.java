package dev.mast.audio.decoding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * How one little-endian sample is stored in a WAV data chunk, and its conversion to float on torchaudio's scale:
 * integers are divided by 2^(container bits - 1) (valid bits are left-justified, so the container decides the
 * scale), unsigned 8-bit is centred on 128 first, floats pass through.
 */
public enum PcmEncoding {
    U8(1), S16(2), S24(3), S32(4), F32(4), F64(8);

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F4 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F8 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private final int bytes;

    PcmEncoding(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per sample of one channel. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    /**
     * Converts {@code frames} interleaved frames of {@code channels} samples from {@code src[srcOff...]} into
     * {@code dst[c][dstOff...]}.
     *
     * @return false if a floating-point sample was NaN or infinite (integer encodings always return true)
     */
    public boolean decode(byte[] src, int srcOff, int frames, int channels, float[][] dst, int dstOff) {
        int stride = bytes * channels;
        boolean finite = true;
        for (int c = 0; c < channels; c++) {
            float[] out = dst[c];
            int p = srcOff + c * bytes;
            switch (this) {
                case U8 -> {
                    for (int i = 0; i < frames; i++, p += stride) out[dstOff + i] = ((src[p] & 0xFF) - 128) * (1f / 128f);
                }
                case S16 -> {
                    for (int i = 0; i < frames; i++, p += stride) {
                        out[dstOff + i] = (short) I16.get(src, p) * (1f / 32768f);
                    }
                }
                case S24 -> {
                    for (int i = 0; i < frames; i++, p += stride) {
                        int v = (src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8 | src[p + 2] << 16;
                        out[dstOff + i] = v * (1f / 8388608f);
                    }
                }
                case S32 -> {
                    for (int i = 0; i < frames; i++, p += stride) {
                        out[dstOff + i] = (int) I32.get(src, p) * (1f / 2147483648f);
                    }
                }
                case F32 -> {
                    for (int i = 0; i < frames; i++, p += stride) {
                        float v = (float) F4.get(src, p);
                        finite &= Float.isFinite(v);
                        out[dstOff + i] = v;
                    }
                }
                case F64 -> {
                    for (int i = 0; i < frames; i++, p += stride) {
                        float v = (float) (double) F8.get(src, p);
                        finite &= Float.isFinite(v);
                        out[dstOff + i] = v;
                    }
                }
            }
        }
        return finite;
    }
}
