/**
 * CPU kernels written with the Vector API, each beside a plain scalar reference that tests compare it with.
 *
 * <p>Backward kernels sit beside their forward in the same class. They overwrite input gradients (dx, which may
 * alias dy where a kernel says so) and accumulate parameter gradients ({@code +=}), so that micro-batches can sum
 * into one buffer; zero it before the first. Results never depend on the thread count: work is cut into tasks by
 * shape alone, and sums that span tasks add per-task partials in task order.
 */
package dev.mast.engine.kernel;
