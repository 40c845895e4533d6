/**
 * Training augmentation per spec §1.2 (AST's PSLA pipeline) plus the waveform augmentations of keyword spotting.
 *
 * <p>{@link dev.mast.train.augment.ExampleAugmenter} runs them in this order for one training clip:
 * <ol>
 *   <li>{@link dev.mast.train.augment.WaveformCrop} (optional fixed window, LAPE-style);</li>
 *   <li>{@link dev.mast.train.augment.WaveformMixup}: λ ~ Beta(10, 10), waveforms and targets mixed, DC removed;</li>
 *   <li>{@link dev.mast.train.augment.SpeedPerturbation}: faster or slower playback, centre fixed, length kept;</li>
 *   <li>{@link dev.mast.train.augment.TimeShift}: zero-filled shift of the waveform;</li>
 *   <li>{@link dev.mast.train.augment.BackgroundNoise}: a random stretch of a noise recording at a random SNR;</li>
 *   <li>the front end (fbank, pad or crop to the frame count), supplied by the caller;</li>
 *   <li>{@link dev.mast.train.augment.FrequencyWarp}: formants moved up or down on the mel axis;</li>
 *   <li>{@link dev.mast.train.augment.SpecAugment}: one frequency then one time mask, cells set to 0 before
 *       normalisation;</li>
 *   <li>normalisation, supplied by the caller (AST: (x − mean) / (2·std));</li>
 *   <li>{@link dev.mast.train.augment.FeatureNoise}: + U[0,1)·r/10 per cell, then a circular roll of −10..9 frames.</li>
 * </ol>
 *
 * <p><b>Randomness.</b> Every step draws from its own generator, made from the sample's
 * {@link dev.mast.train.random.SampleKey} and the step's {@link dev.mast.train.random.RandomStream}; see
 * {@code dev.mast.train.random} for the derivation. Within a step the draws are, in order:
 * <ul>
 *   <li>crop ({@code CROP}): start = nextInt(len − window + 1) for the clip if longer than the window, then the same
 *       for the mixup partner;</li>
 *   <li>mixup ({@code MIXUP}): u = nextDouble() (mix if u &lt; p); if mixing, partner = nextInt(clips), then λ: a
 *       Gamma(10) and a Gamma(10) variate (Marsaglia–Tsang, each using nextGaussian() and nextDouble() per try);</li>
 *   <li>speed ({@code SPEED}): rate = 1 + δ·(2·nextDouble() − 1);</li>
 *   <li>time shift ({@code TIME_SHIFT}): s = nextInt(−max, max + 1);</li>
 *   <li>background noise ({@code BACKGROUND_NOISE}): u = nextDouble() (add if u &lt; p); if adding, recording =
 *       nextInt(count), offset = nextInt(its length), SNR = min + (max − min)·nextDouble();</li>
 *   <li>frequency warp ({@code FREQUENCY_WARP}): factor = 1 + δ·(2·nextDouble() − 1);</li>
 *   <li>SpecAugment ({@code SPEC_AUGMENT}): four nextFloat(): u1, u2 of the frequency mask, u1, u2 of the time mask;</li>
 *   <li>feature noise ({@code FEATURE_NOISE}): r = nextFloat(), one nextFloat() per cell in row-major (frame, bin)
 *       order, then the roll nextInt(−R, R).</li>
 * </ul>
 * Features are row-major (frames, bins) float arrays, frames on the time axis and mel bins on the frequency axis,
 * i.e. the (T, 128) layout of the spec; waveforms are 16 kHz mono float arrays.
 */
package dev.mast.train.augment;
