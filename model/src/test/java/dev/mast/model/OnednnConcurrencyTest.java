package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.OnednnBackend;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One model on one oneDNN backend serving concurrent forward passes: every caller gets the result a lone caller
 * gets, and the backend adds at most one single-thread lane per concurrent caller. (That lanes share packed
 * weights rather than copy them is checked in the native module's DnnlSharedWeightsTest.) Skipped where oneDNN
 * cannot load.
 */
class OnednnConcurrencyTest {
    private static final int CALLERS = 4, CALLS = 12;

    @Test
    void concurrentCallersGetTheLoneCallersResults() throws Exception {
        try (OnednnBackend backend = OnednnParityTest.openOrSkip(2);
             MastModel model = new MastModel(MastConfig.preset("micro"), new RandomInit(3), backend,
                     RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena()) {
            Tensor[] inputs = new Tensor[CALLERS];
            float[][] expected = new float[CALLERS][];
            try (Workspace ws = new Workspace()) {
                for (int c = 0; c < CALLERS; c++) {
                    inputs[c] = arena.allocate(1 + c % 2, 64 + 16 * c, 128);
                    for (long i = 0; i < inputs[c].size(); i++) inputs[c].setFlat(i, (float) Math.sin(i * 0.01 + c));
                    Tensor logits = arena.allocate(inputs[c].dim(0), 35);
                    model.forward(inputs[c], logits, ws);
                    expected[c] = logits.toArray();
                }
            }
            int lanesBefore = backend.lanes();
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    int caller = c;
                    done.add(pool.submit(() -> {
                        try (Workspace ws = new Workspace(); TensorArena mine = new TensorArena()) {
                            Tensor logits = mine.allocate(inputs[caller].dim(0), 35);
                            start.await();
                            for (int i = 0; i < CALLS; i++) {
                                model.forward(inputs[caller], logits, ws);
                                assertClose("caller " + caller + ", call " + i, expected[caller], logits.toArray());
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdown();
            }
            assertTrue(backend.lanes() >= lanesBefore && backend.lanes() <= CALLERS + 1,
                    "lanes: " + backend.lanes() + " for " + CALLERS + " callers");
        }
    }

    /** Same values within float rounding: a single-thread lane may split work differently from the primary. */
    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + ", logit " + i);
        }
    }
}
