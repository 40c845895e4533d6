/**
 * Signal processing for the front end: {@link dev.mast.audio.dsp.Resampler} (equal to torchaudio's resample) and
 * {@link dev.mast.audio.dsp.RealFft} (power spectra of 8 frames at once, one per vector lane). Their lane sums and
 * logarithms come from {@link dev.mast.engine.kernel.VectorMath}, whose results do not depend on the JIT state.
 */
package dev.mast.audio.dsp;
