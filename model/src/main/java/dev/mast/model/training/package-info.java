/**
 * Training passes of MAST and AST: a forward pass that keeps what the backward pass needs, and the backward pass,
 * layer by layer, behind {@link dev.mast.model.Trainable}. Get one with {@link dev.mast.model.training.Trainables#of}.
 *
 * <p><b>Layout.</b> Each layer of {@code dev.mast.model.layer} has a training twin here ({@code LinearGrad},
 * {@code NormGrad}, {@code MlpGrad}, {@code PoolingAttentionGrad} with {@code RelPosGrad} and the shared
 * {@code AttentionCore}, {@code MultiScaleBlockGrad}, {@code PatchEmbedGrad}, {@code HeadGrad}, {@code VitBlockGrad},
 * {@code DropPath}) with its forward and backward side by side and the formulas in its class comment. The twins
 * read the layer's {@link dev.mast.model.layer.Parameter} values and add to their gradients; the inference layers
 * stay immutable, backend-agnostic and free of training state. The twins run the engine's Java kernels directly
 * ({@code Sgemm} for every product, through transposed views), on the model backend's thread pool.
 *
 * <p><b>Memory.</b> Saved activations come from one {@link dev.mast.engine.tensor.Workspace}, reset when a forward
 * pass starts; temporaries from a second one, released layer by layer. Both stop growing after the first step at a
 * given input shape (a smaller batch or a shorter clip fits in the same memory). Parameter gradients are allocated
 * once, in an arena the trainable owns; closing it frees all of this and detaches the gradients from the model.
 *
 * <p><b>Determinism.</b> Every kernel cuts its work by shape and sums in a fixed order, and drop-path draws one
 * value per sample and branch from the caller's generator, so a step gives bit-identical gradients on every run
 * and for any thread count.
 */
package dev.mast.model.training;
