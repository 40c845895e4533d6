package dev.mast.train.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Known values of the two schedule families, worked out by hand from their definitions. */
class LearningRateScheduleTest {
    @Test
    void cosineWithWarmup() {
        // base 1e-3, min 1e-5, 10 warm-up steps, 110 steps in all: the cosine spans steps 10..110
        var s = new CosineWarmupSchedule(1e-3, 1e-5, 10, 110);
        assertEquals(1e-4, s.learningRate(0, 0), 1e-18);
        assertEquals(5e-4, s.learningRate(4, 0), 1e-18);
        assertEquals(1e-3, s.learningRate(9, 0), 1e-18);
        assertEquals(1e-3, s.learningRate(10, 0), 1e-18);
        // halfway through the cosine: min + (base - min) / 2
        assertEquals(1e-5 + (1e-3 - 1e-5) / 2, s.learningRate(60, 3), 1e-15);
        // a quarter of the way: cos(pi/4) = sqrt(2)/2
        assertEquals(1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + Math.sqrt(0.5)), s.learningRate(35, 1), 1e-15);
        assertEquals(1e-5, s.learningRate(110, 9), 1e-18);
        assertEquals(1e-5, s.learningRate(500, 9), 1e-18);
        // monotone after the warm-up
        for (long t = 10; t < 110; t++) assertEquals(true, s.learningRate(t + 1, 0) <= s.learningRate(t, 0), "step " + t);
    }

    @Test
    void cosineWithoutWarmupStartsAtBase() {
        var s = new CosineWarmupSchedule(2e-4, 0, 0, 100);
        assertEquals(2e-4, s.learningRate(0, 0), 0);
        assertEquals(1e-4, s.learningRate(50, 0), 1e-18);
    }

    @Test
    void astSpeechCommandsMultiStep() {
        // AST: MultiStepLR(milestones = range(5, 1000, 1), gamma 0.85) stepped after every epoch, lr 2.5e-4
        var s = MultiStepSchedule.astSpeechCommands();
        for (int e = 0; e < 5; e++) assertEquals(2.5e-4, s.learningRate(1000L * e, e), 0, "epoch " + e);
        assertEquals(2.5e-4 * 0.85, s.learningRate(0, 5), 1e-18);
        assertEquals(2.5e-4 * Math.pow(0.85, 6), s.learningRate(0, 10), 1e-18);
    }

    @Test
    void multiStepEveryFewEpochsWithAstWarmup() {
        // AudioSet balanced: lr 5e-5, milestones 10, 15, 20, ... gamma 0.5, warm-up 1000 steps raised every 50
        var s = new MultiStepSchedule(5e-5, 10, 5, 0.5, 1000, 50);
        assertEquals(0, s.learningRate(0, 0), 0); // AST's first warm-up steps run at rate 0
        assertEquals(0, s.learningRate(49, 0), 0);
        assertEquals(5e-5 * 50 / 1000, s.learningRate(50, 0), 1e-20);
        assertEquals(5e-5 * 950 / 1000, s.learningRate(999, 0), 1e-20);
        assertEquals(5e-5, s.learningRate(1000, 0), 1e-20);
        assertEquals(5e-5, s.learningRate(5000, 9), 0);
        assertEquals(2.5e-5, s.learningRate(5000, 10), 0);
        assertEquals(2.5e-5, s.learningRate(5000, 14), 0);
        assertEquals(1.25e-5, s.learningRate(5000, 15), 0);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmupSchedule(1e-3, 1e-2, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmupSchedule(1e-3, 0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new MultiStepSchedule(1e-3, 0, 0, 0.5, 0, 0));
    }
}
