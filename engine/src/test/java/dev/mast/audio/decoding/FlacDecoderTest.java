package dev.mast.audio.decoding;

import dev.mast.audio.AudioFixtures;
import dev.mast.audio.AudioFormatException;
import dev.mast.audio.PcmAudio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FLAC decoding against the lossless sources the files were encoded from with Debian's flac
 * (decoding/make_decoding_fixtures.py; torchaudio was checked there to decode the same samples).
 */
class FlacDecoderTest {
    @ParameterizedTest
    @ValueSource(strings = {"s16_mono_lpc8", "s16_stereo_fixed", "s16_stereo_midside", "s16_stereo_exhaustive",
            "s24_stereo", "s8_mono", "s32_mono", "s16_noise_verbatim", "s16_silence_constant", "s16_wasted_bits",
            "s16_6ch", "s16_block192", "s16_block_odd", "s16_rice_order8"})
    void decodesExactlyTheEncodedSamples(String name) throws IOException {
        PcmAudio flac = FlacDecoder.decode(AudioFixtures.path("decoding/flac/" + name + ".flac"));
        PcmAudio wav = WavDecoder.decode(AudioFixtures.path("decoding/flac/" + name + ".wav"));
        assertEquals(wav.sampleRate(), flac.sampleRate());
        assertEquals(wav.channelCount(), flac.channelCount());
        for (int c = 0; c < wav.channelCount(); c++) assertArrayEquals(wav.channel(c), flac.channel(c), "channel " + c);
    }

    @Test
    void sniffedByContentAndSkipsAnId3Tag() throws IOException {
        byte[] flac = AudioFixtures.bytes("decoding/flac/s16_mono_lpc8.flac");
        byte[] tagged = new byte[10 + 300 + flac.length];
        byte[] id3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 2, 44}; // size 2·128 + 44 = 300, syncsafe
        System.arraycopy(id3, 0, tagged, 0, 10);
        System.arraycopy(flac, 0, tagged, 310, flac.length);
        PcmAudio a = AudioDecoders.decode(tagged, "tagged.flac");
        assertArrayEquals(FlacDecoder.decode(flac, "x").channel(0), a.channel(0));
    }

    @Test
    void corruptFrameFailsItsCrc() {
        byte[] flac = AudioFixtures.bytes("decoding/flac/s16_stereo_midside.flac");
        flac[flac.length - 100] ^= 0x10;
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> FlacDecoder.decode(flac, "x.flac"));
        assertTrue(e.getMessage().startsWith("x.flac: corrupt"), e.getMessage());
    }

    @Test
    void truncatedStreamIsReported() {
        byte[] flac = AudioFixtures.bytes("decoding/flac/s16_stereo_midside.flac");
        byte[] cut = Arrays.copyOf(flac, flac.length / 2);
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> FlacDecoder.decode(cut, "x.flac"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void md5MismatchIsReported() {
        byte[] flac = AudioFixtures.bytes("decoding/flac/s16_mono_lpc8.flac");
        // STREAMINFO body starts at 8 ("fLaC" + block header); its MD5 is the last 16 of its 34 bytes
        flac[8 + 18] ^= 1;
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> FlacDecoder.decode(flac, "x.flac"));
        assertTrue(e.getMessage().contains("MD5"), e.getMessage());
    }

    @Test
    void hostileTotalSampleCountDoesNotAllocateIt() {
        byte[] flac = AudioFixtures.bytes("decoding/flac/s16_silence_constant.flac");
        // total samples: low 4 bits of byte 8+13 and bytes 8+14..8+17 (36 bits): claim 2^36 - 1
        flac[8 + 13] |= 0x0F;
        for (int i = 14; i < 18; i++) flac[8 + i] = (byte) 0xFF;
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> FlacDecoder.decode(flac, "x.flac"));
        assertTrue(e.getMessage().contains("truncated: STREAMINFO declares 68719476735 samples"), e.getMessage());
    }
}
