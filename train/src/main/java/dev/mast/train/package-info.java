/**
 * Training in pure JVM: backward passes, optimisers, schedules, losses and the training loop.
 */
package dev.mast.train;
