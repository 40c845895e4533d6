package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.OnednnBackend;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A long-running service on the oneDNN backend: 10,000 forward passes (a micro16 model, clips of 16 to 40 frames
 * in batches of one and two, logits and embeddings) compile no new plans, grow no scratch, workspace or lanes, and
 * leave the process's resident memory outside the Java heap where it was. No timing is asserted.
 */
class OnednnServiceMemoryTest {
    static final int CALLS = 10_000;
    /** As ClassifierMemoryTest: 32 MiB, which a leak of 3.3 KiB per call would pass; a call's input is 8 KiB+. */
    static final long BOUND_KIB = 32 << 10;
    static final int MIN_WARMUP = 2000, CHUNK = 500, MAX_CHUNKS = 20;

    @Test
    void tenThousandForwardPassesHoldNoMoreNativeMemory() throws Exception {
        try (OnednnBackend backend = OnednnParityTest.openOrSkip(2);
             MastModel model = new MastModel(MastConfig.preset("micro16").withNumClasses(10), new RandomInit(8),
                     backend, RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            Tensor[] inputs = {arena.allocate(1, 16, 128), arena.allocate(2, 16, 128), arena.allocate(1, 40, 128)};
            for (Tensor x : inputs) {
                for (long i = 0; i < x.size(); i++) x.setFlat(i, (float) Math.sin(i * 0.013 + x.dim(1)));
            }
            Tensor[] logits = {arena.allocate(1, 10), arena.allocate(2, 10), arena.allocate(1, 10)};
            Tensor[] embeddings = {arena.allocate(1, 256), arena.allocate(2, 256), arena.allocate(1, 256)};
            boolean rss = NativeMemory.available();
            int call = 0;
            for (; call < MIN_WARMUP; call++) call(model, ws, inputs, logits, embeddings, call);
            long before = rss ? NativeMemory.residentOutsideHeapKiB() : 0;
            for (int chunk = 0; rss && chunk < MAX_CHUNKS; chunk++) {
                for (int end = call + CHUNK; call < end; call++) call(model, ws, inputs, logits, embeddings, call);
                long now = NativeMemory.residentOutsideHeapKiB();
                boolean settled = now - before < 1024;
                before = now;
                if (settled) break;
            }
            int plans = backend.cachedPlans(), lanes = backend.lanes();
            long scratch = backend.scratchBytes(), workspace = ws.capacityBytes();
            float[] first = logits[0].toArray();
            assertTrue(plans > 0 && scratch > 0);
            for (int i = 0; i < CALLS; i++) {
                call(model, ws, inputs, logits, embeddings, i);
                if (i % 1000 == 999) {
                    assertEquals(plans, backend.cachedPlans(), "cached plans after call " + i);
                    assertEquals(scratch, backend.scratchBytes(), "oneDNN scratch after call " + i);
                    assertEquals(lanes, backend.lanes(), "lanes after call " + i);
                    assertEquals(workspace, ws.capacityBytes(), "workspace after call " + i);
                }
            }
            assertArrayEquals(first, logits[0].toArray(), "the same input still gives the same logits");
            assumeTrue(rss, "no /proc/self/smaps or heap range: the RSS half of the check needs Linux");
            long after = NativeMemory.residentOutsideHeapKiB();
            System.out.printf("oneDNN service: resident outside the heap %d KiB after %d warm-up calls, %d KiB after"
                    + " %d more (%+d KiB); %d plans, %d scratch bytes, %d lanes%n", before, call, after, CALLS,
                    after - before, plans, scratch, lanes);
            assertTrue(after - before < BOUND_KIB, "native memory grew by " + (after - before) + " KiB over "
                    + CALLS + " forward passes");
        }
    }

    /** One call of a mix of shapes and outputs. */
    private static void call(MastModel model, Workspace ws, Tensor[] inputs, Tensor[] logits, Tensor[] embeddings,
                             int i) {
        int k = i % inputs.length;
        if (i % 7 == 3) {
            model.embed(inputs[k], embeddings[k], ws);
        } else {
            model.forward(inputs[k], logits[k], ws);
        }
    }
}
