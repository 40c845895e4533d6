/**
 * The audio front end: from WAV/FLAC files or PCM buffers to the normalised (T, 128) log-mel input of MAST and AST
 * (spec §1). Start at {@link dev.mast.audio.AudioFrontEnd}; decoded audio is a {@link dev.mast.audio.PcmAudio}; bad
 * input is an {@link dev.mast.audio.AudioFormatException} with a one-line message naming the file.
 *
 * <ul>
 *   <li>{@link dev.mast.audio.decoding}: WAV and FLAC decoders, whole-file and streaming.</li>
 *   <li>{@link dev.mast.audio.dsp}: resampling (torchaudio's), the batched real FFT, reproducible vector math.</li>
 *   <li>{@link dev.mast.audio.features}: Kaldi fbank, librosa log-mel, mel filter banks, pad/crop,
 *       normalisation, data-set statistics.</li>
 * </ul>
 */
package dev.mast.audio;
