/**
 * Off-heap float32 tensors: {@link dev.mast.engine.tensor.Tensor} views over memory segments, their owners ({@link dev.mast.engine.tensor.TensorArena}, {@link dev.mast.engine.tensor.Workspace}) and shape checks.
 */
package dev.mast.engine.tensor;
