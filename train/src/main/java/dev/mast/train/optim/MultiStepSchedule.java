package dev.mast.train.optim;

/**
 * The AST / SSAST fine-tuning schedule (spec §1.2): PyTorch's {@code MultiStepLR} with milestones
 * {@code start, start + every, start + 2·every, ...} stepped once per epoch, with AST's optional staircase warm-up.
 * <pre>
 *   epoch e (0-based = epochs completed): k = number of milestones ≤ e = (e &lt; start) ? 0 : (e − start) / every + 1
 *   lr = base · γ^k
 *   warm-up (optional), global step s ≤ W: lr = base · (Δ·⌊s/Δ⌋) / W      (AST: W = 1000, Δ = 50)
 * </pre>
 * AST's warm-up sets the rate every Δ steps from step 0, so the very first steps run at rate 0. AST writes the
 * warm-up rate into the optimiser in place and MultiStepLR then multiplies whatever is there; the two only interact
 * when a milestone falls inside the warm-up, which no AST recipe does. Here the warm-up factor simply multiplies the
 * epoch rate.
 */
public final class MultiStepSchedule implements LearningRateSchedule {
    private final double base;
    private final int start;
    private final int every;
    private final double gamma;
    private final long warmupSteps;
    private final long warmupEvery;

    /**
     * @param base        initial learning rate
     * @param start       first milestone epoch (AST Speech Commands: 5)
     * @param every       epochs between milestones (1)
     * @param gamma       factor at each milestone (0.85)
     * @param warmupSteps W, 0 for no warm-up (AST: 1000 when warm-up is on)
     * @param warmupEvery Δ, how often the warm-up rate is raised (AST: 50)
     */
    public MultiStepSchedule(double base, int start, int every, double gamma, long warmupSteps, long warmupEvery) {
        if (!(base >= 0) || start < 0 || every < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("bad MultiStepLR settings: base " + base + ", start " + start
                    + ", every " + every + ", gamma " + gamma);
        }
        if (warmupSteps < 0 || (warmupSteps > 0 && warmupEvery < 1)) {
            throw new IllegalArgumentException("bad warm-up: " + warmupSteps + " steps, raised every " + warmupEvery);
        }
        this.base = base;
        this.start = start;
        this.every = every;
        this.gamma = gamma;
        this.warmupSteps = warmupSteps;
        this.warmupEvery = warmupEvery;
    }

    /** AST's Speech Commands recipe: lr 2.5e-4, decay 0.85 every epoch from epoch 5, no warm-up. */
    public static MultiStepSchedule astSpeechCommands() {
        return new MultiStepSchedule(2.5e-4, 5, 1, 0.85, 0, 0);
    }

    @Override
    public double learningRate(long step, int epoch) {
        int k = epoch < start ? 0 : (epoch - start) / every + 1;
        double lr = base * Math.pow(gamma, k);
        if (warmupSteps > 0 && step <= warmupSteps) lr *= (double) (warmupEvery * (step / warmupEvery)) / warmupSteps;
        return lr;
    }
}
