package dev.mast.model;

import dev.mast.audio.ClipTooShortException;
import dev.mast.audio.TestWavs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A long-running classifier allocates no off-heap memory per call. */
class ClassifierMemoryTest {
    static final int CALLS = 10_000, RATE = 16000;
    /**
     * Native growth tolerated over the measured calls (late JIT code, the compiler's malloc arenas): 32 MiB, which
     * a leak of 3.3 KiB per call would pass; the smallest tensor a call allocates (its input) is 8 KiB.
     */
    static final long BOUND_KIB = 32 << 10;
    /** Warm-up: at least this many calls, then chunks until one adds less than 1 MiB (the JIT has settled). */
    static final int MIN_WARMUP = 2000, CHUNK = 500, MAX_CHUNKS = 20;

    @TempDir
    Path dir;

    @Test
    void tenThousandCallsHoldNoMoreNativeMemory() throws IOException {
        // The stem's minimum of 16 frames keeps 10,000 forward passes cheap.
        FrontendSettings fe = new FrontendSettings("kaldi", RATE, 16, -6.845978f, 2 * 5.5654526f);
        Path file = ClassifierTest.writeModel(dir.resolve("m.safetensors"), ClassifierTest.CLASSES,
                ClassifierTest.LABELS, fe, 5);
        float[][] clips = new float[4][];
        for (int i = 0; i < clips.length; i++) {
            clips[i] = TestClips.floats(TestWavs.tone(300 + 400 * i, 4800, RATE, i));
        }
        float[][] batch = {clips[0], clips[1], clips[2]};
        float[] nan = clips[3].clone();
        nan[7] = Float.NaN;
        try (Classifier c = Classifier.open(file, ClassifierOptions.defaults().withThreads(2))) {
            boolean rss = NativeMemory.available();
            int call = 0;
            for (; call < MIN_WARMUP; call++) call(c, call, clips, batch, nan);
            long before = rss ? NativeMemory.residentOutsideHeapKiB() : 0;
            for (int chunk = 0; rss && chunk < MAX_CHUNKS; chunk++) {
                for (int end = call + CHUNK; call < end; call++) call(c, call, clips, batch, nan);
                long now = NativeMemory.residentOutsideHeapKiB();
                boolean settled = now - before < 1024;
                before = now;
                if (settled) break;
            }
            int scratchSets = c.scratchCount();
            long scratchBytes = c.scratchBytes();
            assertEquals(1, scratchSets, "one caller, one scratch set");
            assertTrue(scratchBytes > 0);
            for (int i = 0; i < CALLS; i++) {
                call(c, i, clips, batch, nan);
                if (i % 1000 == 999) {
                    assertEquals(scratchSets, c.scratchCount(), "scratch sets after call " + i);
                    assertEquals(scratchBytes, c.scratchBytes(), "scratch bytes after call " + i);
                }
            }
            assumeTrue(rss, "no /proc/self/smaps or heap range: the RSS half of the check needs Linux");
            long after = NativeMemory.residentOutsideHeapKiB();
            System.out.printf("resident outside the heap: %d KiB after %d warm-up calls, %d KiB after %d more"
                    + " (%+d KiB); scratch %d bytes%n", before, call, after, CALLS, after - before, scratchBytes);
            assertTrue(after - before < BOUND_KIB, "native memory grew by " + (after - before) + " KiB over "
                    + CALLS + " calls");
        }
    }

    /** One call of a mix: single clips, embeddings, batches, and bad audio the classifier must reject. */
    private static void call(Classifier c, int i, float[][] clips, float[][] batch, float[] nan) {
        switch (i % 50) {
            case 0 -> assertEquals(3, c.classify(batch, RATE).size());
            case 1 -> assertEquals(c.embeddingDim(), c.embed(clips[i % 4], RATE).length);
            case 2 -> assertThrows(ClipTooShortException.class, () -> c.classify(new float[10], RATE));
            case 3 -> assertThrows(IllegalArgumentException.class, () -> c.classify(nan, RATE));
            case 4 -> assertEquals(List.of(), c.classifyFeatures(List.of()));
            default -> assertTrue(c.classify(clips[i % 4], RATE).best().probability() > 0);
        }
    }
}
