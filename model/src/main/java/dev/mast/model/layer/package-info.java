/**
 * Layers of MAST and AST. Each layer owns its {@link dev.mast.model.layer.Parameter}s (registered under the
 * timm/LAPE names) and runs its forward pass on a {@link dev.mast.model.backend.Backend}, taking every activation
 * from the call's {@link dev.mast.engine.tensor.Workspace}. Backend-prepared copies of weights (packed linear
 * layers, the stem) are derived from the parameter values and rebuilt by {@code repack()}.
 */
package dev.mast.model.layer;
