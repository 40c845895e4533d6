/**
 * Benchmarks: JMH suites for every kernel and model path, and report commands that print ratios against baselines (OpenBLAS, oneDNN) measured in the same run.
 */
package dev.mast.bench;
