/**
 * From data set clips to model inputs, the adapters between {@code dev.mast.audio} and the training pipeline:
 * <ul>
 *   <li>{@link dev.mast.train.features.ClipAudio}: a clip (whole file or a segment) as 16 kHz mono samples;</li>
 *   <li>{@link dev.mast.train.features.DatasetClips}: a split's clips as the augmenter's clip source, one-hot
 *       targets, optionally cached features;</li>
 *   <li>{@link dev.mast.train.features.FbankFrontEnd}: waveform to padded/cropped, un-normalised log-mel;</li>
 *   <li>{@link dev.mast.train.features.FeatureNormalization}: (x − mean) / std of a model file's front-end
 *       settings;</li>
 *   <li>{@link dev.mast.train.features.FeatureCache}: plain features on disk, keyed by audio content, segment and
 *       front-end settings;</li>
 *   <li>{@link dev.mast.train.features.EvaluationExamples}: un-augmented examples for validation, test and
 *       {@code mast eval};</li>
 *   <li>{@link dev.mast.train.features.NormalizationStats}: normalisation constants from the training set;</li>
 *   <li>{@link dev.mast.train.features.HeaderSampleCounter}: clip lengths from file headers.</li>
 * </ul>
 * Decoding and the front end run on the {@link dev.mast.train.data.BatchPipeline}'s worker threads, ahead of the
 * model; each example depends only on its clip and sample key, never on the thread that built it.
 */
package dev.mast.train.features;
