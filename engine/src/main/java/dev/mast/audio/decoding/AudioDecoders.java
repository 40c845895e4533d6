package dev.mast.audio.decoding;

import dev.mast.audio.AudioFormatException;
import dev.mast.audio.PcmAudio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens audio by content, not by file name: the first bytes decide between WAV (RIFF, RF64, BW64) and FLAC, and name
 * the format of anything else in the error ("an MP3 file", "an Ogg file", ...).
 */
public final class AudioDecoders {
    /** A container this library reads. */
    public enum Format { WAV, FLAC }

    /** Bytes in the header of an ID3v2 tag. */
    static final int ID3_HEADER = 10;

    private AudioDecoders() {}

    /** Decodes a whole file into memory. */
    public static PcmAudio decode(Path file) throws IOException {
        try (AudioStream s = open(file)) {
            return s.readAll();
        }
    }

    /** Decodes a whole in-memory file; {@code source} names it in error messages. */
    public static PcmAudio decode(byte[] bytes, String source) throws IOException {
        try (AudioStream s = open(new ByteArrayChannel(bytes), source)) {
            return s.readAll();
        }
    }

    /** Opens a file for streaming reads. */
    public static AudioStream open(Path file) throws IOException {
        return open(openChannel(file), file.toString());
    }

    /** Opens a channel for streaming reads; the stream owns the channel and closes it. */
    public static AudioStream open(SeekableByteChannel ch, String source) throws IOException {
        Format f;
        try {
            f = sniff(ch, source);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return switch (f) {
            case WAV -> StreamingWavReader.open(ch, source);
            case FLAC -> StreamingFlacReader.open(ch, source);
        };
    }

    /** Identifies the format from the first bytes of {@code ch}, or explains what the file is instead. */
    public static Format sniff(SeekableByteChannel ch, String source) throws IOException {
        byte[] h = new byte[12];
        ch.position(0);
        int n = readUpTo(ch, h);
        if (n == 0) throw new AudioFormatException(source, "empty file");
        if (startsWith(h, n, "RIFF") || startsWith(h, n, "RF64") || startsWith(h, n, "BW64") || startsWith(h, n, "RIFX")) {
            return Format.WAV;
        }
        if (startsWith(h, n, "fLaC")) return Format.FLAC;
        if (startsWith(h, n, "ID3")) {
            // ID3v2 tags precede both MP3 and (rarely) FLAC data: look behind the tag.
            if (isFlacAfterId3(ch, h, n)) return Format.FLAC;
            throw new AudioFormatException(source, "MP3 files are not supported; convert to WAV or FLAC");
        }
        if (startsWith(h, n, "OggS")) throw new AudioFormatException(source, "Ogg files (Vorbis, Opus, Ogg FLAC) are not supported; convert to WAV or FLAC");
        if (startsWith(h, n, "FORM")) throw new AudioFormatException(source, "AIFF files are not supported; convert to WAV or FLAC");
        if (n >= 8 && h[4] == 'f' && h[5] == 't' && h[6] == 'y' && h[7] == 'p') {
            throw new AudioFormatException(source, "MP4/M4A files are not supported; convert to WAV or FLAC");
        }
        if (n >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE0) == 0xE0) {
            throw new AudioFormatException(source, "MPEG audio (MP3/AAC) is not supported; convert to WAV or FLAC");
        }
        throw new AudioFormatException(source, "not a WAV or FLAC file (starts with " + hex(h, Math.min(n, 8)) + ")");
    }

    /** Whether "fLaC" follows the ID3v2 tag whose 10-byte header is {@code h}. */
    private static boolean isFlacAfterId3(SeekableByteChannel ch, byte[] h, int n) throws IOException {
        if (n < ID3_HEADER) return false;
        long end = id3TagLength(h);
        if (end + 4 > ch.size()) return false;
        byte[] m = new byte[4];
        ch.position(end);
        return startsWith(m, readUpTo(ch, m), "fLaC");
    }

    /**
     * The length of the ID3v2 tag whose header starts {@code h}: "ID3", version (2 bytes), flags (1), the size as
     * four 7-bit bytes, then that many bytes and, if flag 0x10 is set, a 10-byte footer.
     */
    static long id3TagLength(byte[] h) {
        long length = ID3_HEADER + ((h[6] & 0x7F) << 21 | (h[7] & 0x7F) << 14 | (h[8] & 0x7F) << 7 | (h[9] & 0x7F));
        return (h[5] & 0x10) != 0 ? length + 10 : length;
    }

    /** Reads from the channel's position until {@code b} is full or the channel ends; returns the bytes read. */
    static int readUpTo(SeekableByteChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) break;
        }
        return buf.position();
    }

    /** Opens a file for reading, reporting a missing or unreadable file as one line. */
    static SeekableByteChannel openChannel(Path file) throws AudioFormatException {
        if (Files.isDirectory(file)) throw new AudioFormatException(file.toString(), "is a directory, not an audio file");
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
            throw new AudioFormatException(file.toString(), "cannot open: " + why);
        }
    }

    private static boolean startsWith(byte[] h, int n, String magic) {
        if (n < magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (h[i] != magic.charAt(i)) return false;
        return true;
    }

    private static String hex(byte[] h, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : " ").append(String.format("%02x", h[i]));
        return sb.toString();
    }
}
