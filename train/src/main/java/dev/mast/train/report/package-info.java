/**
 * What a training run shows and leaves behind: the {@link dev.mast.train.report.ProgressBar} (in-place bar on a
 * terminal, plain lines in logs and CI), the {@link dev.mast.train.report.ConfusionMatrix} with per-class figures
 * (text and JSON) and its heat map ({@link dev.mast.train.report.ConfusionMatrixChart}), and the per-epoch
 * {@link dev.mast.train.report.TrainingHistory} with its curves ({@link dev.mast.train.report.TrainingCurvesChart}).
 * Charts are drawn once through a small canvas interface and come out both as PNG (headless Java2D) and as
 * self-contained HTML with inline SVG; every file is written atomically.
 */
package dev.mast.train.report;
