/**
 * Log-mel features: {@link dev.mast.audio.features.KaldiFbank} (AST's torchaudio Kaldi fbank, spec §1.1), {@link
 * dev.mast.audio.features.LibrosaLogMel} (LAPE's librosa log-mel, §1.3), their {@link
 * dev.mast.audio.features.MelFilterBank}s, and AST's post-processing (§1.2): {@link
 * dev.mast.audio.features.PadCrop}, {@link dev.mast.audio.features.FeatureNormalizer}, {@link
 * dev.mast.audio.features.FbankStats}.
 */
package dev.mast.audio.features;
