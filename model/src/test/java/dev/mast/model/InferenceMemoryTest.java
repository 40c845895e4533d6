package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** Steady-state inference allocates nothing: the workspace stops growing after the first call of a shape. */
class InferenceMemoryTest {
    @Test
    void workspaceCapacityIsStableOverManyCalls() {
        try (JavaBackend backend = new JavaBackend(2);
             MastModel model = new MastModel(MastConfig.preset("micro16"), new RandomInit(1), backend,
                     RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            Tensor x = arena.allocate(1, 200, 128); // longer than the fresh tables: the interpolation path runs too
            for (long i = 0; i < x.size(); i++) x.setFlat(i, (float) Math.cos(i * 0.01));
            Tensor logits = arena.allocate(1, 35);
            model.forward(x, logits, ws);
            float[] first = logits.toArray();
            long capacity = ws.capacityBytes(), highWater = ws.highWaterBytes();
            assertTrue(capacity >= highWater && capacity > 0);
            for (int call = 0; call < 50; call++) {
                model.forward(x, logits, ws);
                assertEquals(capacity, ws.capacityBytes(), "workspace grew at call " + call);
                assertEquals(highWater, ws.highWaterBytes(), "more scratch used at call " + call);
            }
            assertArrayEquals(first, logits.toArray(), "same input, same output");
            // A shorter clip fits in the same block.
            Tensor shorter = arena.allocate(1, 100, 128);
            model.forward(shorter, logits, ws);
            assertEquals(capacity, ws.capacityBytes());
        }
    }

    @Test
    void concurrentCallsWithTheirOwnWorkspacesAgree() throws Exception {
        try (JavaBackend backend = new JavaBackend(2);
             MastModel model = new MastModel(MastConfig.preset("micro"), new RandomInit(2), backend,
                     RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena()) {
            Tensor x = arena.allocate(2, 64, 128);
            for (long i = 0; i < x.size(); i++) x.setFlat(i, (float) Math.sin(i * 0.003));
            Tensor expected = arena.allocate(2, 35);
            try (Workspace ws = new Workspace()) {
                model.forward(x, expected, ws);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    results.add(pool.submit(() -> {
                        Tensor y = arena.allocate(2, 35);
                        try (Workspace ws = new Workspace()) {
                            for (int i = 0; i < 3; i++) model.forward(x, y, ws);
                        }
                        return y.toArray();
                    }));
                }
                for (Future<float[]> f : results) assertArrayEquals(expected.toArray(), f.get());
            } finally {
                pool.shutdown();
            }
        }
    }
}
