package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * What a WAV header says: the sample encoding, channel count, rate and where the samples lie. {@link #parse} walks
 * the chunks of a RIFF, RF64 or BW64 file in whatever order they come, skipping unknown ones (odd sizes are padded
 * to even, as RIFF requires), and checks every size against the file before it is trusted.
 *
 * @param encoding    how each sample is stored
 * @param channels    channel count, at least 1
 * @param sampleRate  frames per second, at least 1
 * @param validBits   significant bits per sample (information only: the container size sets the scale)
 * @param blockAlign  bytes per frame (all channels)
 * @param dataOffset  file offset of the first sample
 * @param dataLength  bytes of sample data, a whole number of frames
 */
public record WavFormat(PcmEncoding encoding, int channels, int sampleRate, int validBits, int blockAlign,
                        long dataOffset, long dataLength) {

    static final int WAVE_FORMAT_PCM = 0x0001;
    static final int WAVE_FORMAT_IEEE_FLOAT = 0x0003;
    static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE GUIDs for PCM and IEEE float; bytes 0..1 hold the format tag. */
    private static final byte[] GUID_TAIL = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
            (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    /** Frames (samples per channel) in the data chunk. */
    public long frames() {
        return dataLength / blockAlign;
    }

    /** Reads the header of the WAV file on {@code ch} (from position 0); leaves the position undefined. */
    public static WavFormat parse(SeekableByteChannel ch, String source) throws IOException {
        long size = ch.size();
        if (size < 12) throw new AudioFormatException(source, "not a WAV file: only " + size + " bytes");
        ByteBuffer head = readAt(ch, source, 0, 12);
        String id = fourCc(head, 0);
        if (id.equals("RIFX")) throw new AudioFormatException(source, "big-endian RIFX WAV files are not supported");
        if (!id.equals("RIFF") && !id.equals("RF64") && !id.equals("BW64")) {
            throw new AudioFormatException(source, "not a WAV file (starts with '" + id + "', expected RIFF or RF64)");
        }
        if (!fourCc(head, 8).equals("WAVE")) {
            throw new AudioFormatException(source, "RIFF file of type '" + fourCc(head, 8) + "' is not WAVE audio");
        }
        boolean rf64 = !id.equals("RIFF");

        long ds64DataSize = -1;
        ByteBuffer fmt = null;
        long dataOffset = -1, dataLength = -1;
        boolean openEnded = false;
        long pos = 12;
        while (pos + 8 <= size && (fmt == null || dataOffset < 0)) {
            ByteBuffer h = readAt(ch, source, pos, 8);
            String cid = fourCc(h, 0);
            long csize = Integer.toUnsignedLong(h.getInt(4));
            long body = pos + 8, remaining = size - body;
            if (!cid.equals("data") && csize > remaining) throw lying(source, cid, pos, csize, remaining);
            switch (cid) {
                case "ds64" -> {
                    if (csize < 24) throw new AudioFormatException(source, "ds64 chunk of " + csize + " bytes is too short");
                    ByteBuffer d = readAt(ch, source, body, 24);
                    ds64DataSize = d.getLong(8);
                    if (ds64DataSize < 0) {
                        throw new AudioFormatException(source, "ds64 chunk gives a negative data size " + ds64DataSize);
                    }
                }
                case "fmt " -> {
                    if (csize < 16) {
                        throw new AudioFormatException(source, "'fmt ' chunk of " + csize + " bytes is shorter than 16");
                    }
                    fmt = readAt(ch, source, body, (int) Math.min(csize, 40));
                }
                case "data" -> {
                    long len = csize;
                    if (rf64 && csize == UNKNOWN_SIZE) {
                        if (ds64DataSize < 0) {
                            throw new AudioFormatException(source, "RF64 'data' chunk size is in a ds64 chunk, "
                                    + "but there is none before it");
                        }
                        len = ds64DataSize;
                    } else if (!rf64 && csize == UNKNOWN_SIZE) {
                        len = remaining; // written by a streaming tool that never came back to fix the size
                        openEnded = true;
                    }
                    if (len > remaining) {
                        throw new AudioFormatException(source, "'data' chunk at offset " + pos + " claims " + len
                                + " bytes but only " + remaining + " remain in the file (truncated?)");
                    }
                    dataOffset = body;
                    dataLength = len;
                    csize = len;
                }
                default -> { } // LIST, fact, cue, JUNK, bext, ...: not needed
            }
            pos = body + csize + (csize & 1);
        }
        if (fmt == null) throw new AudioFormatException(source, "WAV file has no 'fmt ' chunk");
        if (dataOffset < 0) throw new AudioFormatException(source, "WAV file has no 'data' chunk");
        return fromFmt(source, fmt, dataOffset, dataLength, openEnded);
    }

    private static WavFormat fromFmt(String source, ByteBuffer fmt, long dataOffset, long dataLength, boolean openEnded)
            throws AudioFormatException {
        int tag = Short.toUnsignedInt(fmt.getShort(0));
        int channels = Short.toUnsignedInt(fmt.getShort(2));
        long rate = Integer.toUnsignedLong(fmt.getInt(4));
        int blockAlign = Short.toUnsignedInt(fmt.getShort(12));
        int bits = Short.toUnsignedInt(fmt.getShort(14));
        int validBits = bits;
        if (tag == WAVE_FORMAT_EXTENSIBLE) {
            if (fmt.limit() < 40 || Short.toUnsignedInt(fmt.getShort(16)) < 22) {
                throw new AudioFormatException(source, "WAVE_FORMAT_EXTENSIBLE header is shorter than 40 bytes");
            }
            int v = Short.toUnsignedInt(fmt.getShort(18));
            if (v != 0) validBits = v;
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (fmt.get(26 + i) != GUID_TAIL[i]) {
                    throw new AudioFormatException(source, "unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID "
                            + guid(fmt));
                }
            }
            tag = Short.toUnsignedInt(fmt.getShort(24));
        }
        if (tag != WAVE_FORMAT_PCM && tag != WAVE_FORMAT_IEEE_FLOAT) {
            throw new AudioFormatException(source, "unsupported WAV codec " + codecName(tag) + String.format(
                    " (format tag 0x%04X); only PCM and IEEE float samples are supported", tag));
        }
        if (channels == 0) throw new AudioFormatException(source, "WAV header declares zero channels");
        if (rate == 0 || rate > Integer.MAX_VALUE) {
            throw new AudioFormatException(source, "WAV header declares an invalid sample rate of " + rate + " Hz");
        }
        if (blockAlign == 0 || blockAlign % channels != 0) {
            throw new AudioFormatException(source, "block align of " + blockAlign + " bytes does not fit "
                    + channels + " channels");
        }
        int container = blockAlign / channels;
        PcmEncoding enc;
        if (tag == WAVE_FORMAT_IEEE_FLOAT) {
            enc = container == 4 && bits == 32 ? PcmEncoding.F32 : container == 8 && bits == 64 ? PcmEncoding.F64 : null;
            if (enc == null) {
                throw new AudioFormatException(source, "IEEE float WAV with " + bits + " bits in " + container
                        + "-byte samples is not supported (expected 32 or 64 bits)");
            }
        } else {
            enc = switch (container) {
                case 1 -> PcmEncoding.U8;
                case 2 -> PcmEncoding.S16;
                case 3 -> PcmEncoding.S24;
                case 4 -> PcmEncoding.S32;
                default -> null;
            };
            if (enc == null || bits == 0 || bits > 8 * container || validBits > 8 * container) {
                throw new AudioFormatException(source, "PCM WAV with " + bits + " bits in " + container
                        + "-byte samples is not supported (expected 8, 16, 24 or 32 bits)");
            }
        }
        if (openEnded) dataLength -= dataLength % blockAlign;
        if (dataLength % blockAlign != 0) {
            throw new AudioFormatException(source, "'data' chunk of " + dataLength + " bytes is not a whole number of "
                    + blockAlign + "-byte frames");
        }
        return new WavFormat(enc, channels, (int) rate, validBits, blockAlign, dataOffset, dataLength);
    }

    /** The name of a WAV format tag, for error messages. */
    static String codecName(int tag) {
        return switch (tag) {
            case 0x0002 -> "Microsoft ADPCM";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0031 -> "GSM 6.10";
            case 0x0050 -> "MPEG audio";
            case 0x0055 -> "MP3";
            case 0x00FF, 0x1610 -> "AAC";
            case 0x0160, 0x0161, 0x0162 -> "WMA";
            case 0x2000 -> "AC-3";
            case 0xF1AC -> "FLAC";
            default -> "#" + tag;
        };
    }

    private static AudioFormatException lying(String source, String cid, long pos, long csize, long remaining) {
        return new AudioFormatException(source, "chunk '" + cid.strip() + "' at offset " + pos + " claims " + csize
                + " bytes but only " + remaining + " remain in the file (truncated or corrupt)");
    }

    /** Reads exactly {@code n} bytes at {@code offset}, little-endian. */
    static ByteBuffer readAt(SeekableByteChannel ch, String source, long offset, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        ch.position(offset);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new AudioFormatException(source, "truncated: file ends inside the " + n + " bytes at offset "
                        + offset);
            }
        }
        return b.flip();
    }

    /** Four bytes as text, non-printable bytes shown as hex so that the message stays one readable line. */
    private static String fourCc(ByteBuffer b, int at) {
        StringBuilder sb = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = b.get(at + i) & 0xFF;
            if (c >= 0x20 && c < 0x7F) sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    private static String guid(ByteBuffer fmt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 24; i < 40; i++) sb.append(String.format("%02x", fmt.get(i)));
        return sb.toString();
    }
}
