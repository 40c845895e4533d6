package dev.mast.train.optim;

/**
 * The learning rate as a function of training progress. The loop calls it before every optimiser step with the
 * 0-based global step (optimiser steps taken so far) and the 0-based epoch; a schedule uses whichever it needs.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The learning rate for the optimiser step number {@code step} (0-based), taken during {@code epoch}. */
    double learningRate(long step, int epoch);

    /** A constant learning rate. */
    static LearningRateSchedule constant(double lr) {
        return (step, epoch) -> lr;
    }
}
