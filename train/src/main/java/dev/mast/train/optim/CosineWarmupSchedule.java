package dev.mast.train.optim;

/**
 * Linear warm-up followed by cosine decay, per optimiser step:
 * <pre>
 *   step s &lt; W:          lr = base · (s + 1) / W
 *   W ≤ s &lt; total:      lr = min + (base − min) · ½ · (1 + cos(π · (s − W) / (total − W)))
 *   s ≥ total:          lr = min
 * </pre>
 * The first step already gets base/W (not 0), and the last warm-up step reaches base exactly; the cosine then starts
 * at base and would reach min at step {@code total}, one past the last step of a run of {@code total} steps.
 */
public final class CosineWarmupSchedule implements LearningRateSchedule {
    private final double base;
    private final double min;
    private final long warmupSteps;
    private final long totalSteps;

    /**
     * @param base        peak learning rate
     * @param min         final learning rate (often 0 or base / 100)
     * @param warmupSteps optimiser steps of linear warm-up (0 for none)
     * @param totalSteps  optimiser steps of the whole run (epochs × steps per epoch)
     */
    public CosineWarmupSchedule(double base, double min, long warmupSteps, long totalSteps) {
        if (!(base >= 0) || !(min >= 0) || min > base) {
            throw new IllegalArgumentException("need 0 <= min <= base, got base " + base + ", min " + min);
        }
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warm-up steps < total steps, got " + warmupSteps + " and "
                    + totalSteps);
        }
        this.base = base;
        this.min = min;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    @Override
    public double learningRate(long step, int epoch) {
        if (step < warmupSteps) return base * (step + 1) / warmupSteps;
        if (step >= totalSteps) return min;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
