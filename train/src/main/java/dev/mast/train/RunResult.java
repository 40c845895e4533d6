package dev.mast.train;

import dev.mast.train.report.TrainingHistory;

/**
 * How a training run ended.
 *
 * @param history                per-epoch figures
 * @param bestEpoch              1-based epoch of the saved model (best validation accuracy, or the last epoch when
 *                               there is no validation split)
 * @param bestValidationAccuracy its validation accuracy (NaN without a validation split)
 * @param test                   the saved model on the test split, or null when the data set has no test clips
 * @param steps                  optimiser steps taken
 * @param trainSeconds           wall time of the epochs (validation included) over all sessions of the run
 * @param dataWaitSeconds        of that, time the model waited for the data pipeline
 */
public record RunResult(TrainingHistory history, int bestEpoch, double bestValidationAccuracy, Evaluation test,
                        long steps, double trainSeconds, double dataWaitSeconds) {}
