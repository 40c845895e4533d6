/**
 * Audio decoding without native code: WAV (RIFF, RF64, BW64; PCM 8/16/24/32-bit, IEEE float 32/64,
 * WAVE_FORMAT_EXTENSIBLE) and native FLAC (our own decoder, CRC- and MD5-checked). {@link
 * dev.mast.audio.decoding.AudioDecoders} picks the decoder from the file's first bytes; {@link
 * dev.mast.audio.decoding.AudioStream} reads long files a block at a time. Every size a header claims is checked
 * against the data before it is trusted, so hostile files fail with an {@link dev.mast.audio.AudioFormatException}
 * instead of exhausting memory.
 */
package dev.mast.audio.decoding;
