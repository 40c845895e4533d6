/**
 * Signal processing for the front end: {@link dev.mast.audio.dsp.Resampler} (equal to torchaudio's resample),
 * {@link dev.mast.audio.dsp.RealFft} (power spectra of 8 frames at once, one per vector lane) and {@link
 * dev.mast.audio.dsp.VectorMath} (lane sum and log with results independent of JIT state).
 */
package dev.mast.audio.dsp;
