/**
 * Losses on logits with forward and backward side by side: {@link dev.mast.train.loss.CrossEntropyLoss} (mean over
 * the batch, label smoothing, class-index or probability targets such as mixup rows) and
 * {@link dev.mast.train.loss.BceWithLogitsLoss} (multi-label, mean over all entries, overflow-free). Both match
 * PyTorch's {@code cross_entropy} / {@code binary_cross_entropy_with_logits} and their gradients.
 */
package dev.mast.train.loss;
