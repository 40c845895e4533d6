/**
 * Checkpoints and run folders: {@link dev.mast.train.checkpoint.StateDict} (named tensors + string metadata),
 * {@link dev.mast.train.checkpoint.CheckpointFile} (safetensors layout, atomic write with fsync, validated read),
 * {@link dev.mast.train.checkpoint.TrainingCheckpoint} (model, AdamW state, seed and counters, extras such as the
 * history) and {@link dev.mast.train.checkpoint.RunFolder} (where each file of a run goes).
 */
package dev.mast.train.checkpoint;
