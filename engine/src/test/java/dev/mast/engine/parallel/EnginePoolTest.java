package dev.mast.engine.parallel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

class EnginePoolTest {
    @Test
    void runsEveryTaskExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            try (EnginePool pool = new EnginePool(threads)) {
                for (int rep = 0; rep < 2000; rep++) {
                    int n = 1 + rep % 37;
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    pool.parallelFor(n, hits::incrementAndGet);
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "task " + i + " of " + n);
                }
            }
        }
    }

    @Test
    void rethrowsTaskFailureAndStaysUsable() {
        try (EnginePool pool = new EnginePool(2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(8, i -> {
                if (i == 5) throw new IllegalArgumentException("task 5");
            }));
            assertEquals("task 5", e.getMessage());
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(10, sum::addAndGet);
            assertEquals(45, sum.get());
        }
    }

    @Test
    void nestedAndConcurrentCallersRunInline() throws Exception {
        try (EnginePool pool = new EnginePool(2)) {
            AtomicInteger count = new AtomicInteger();
            pool.parallelFor(4, i -> pool.parallelFor(4, j -> count.incrementAndGet()));
            assertEquals(16, count.get());
            Thread[] callers = new Thread[4];
            AtomicInteger total = new AtomicInteger();
            for (int t = 0; t < callers.length; t++) {
                callers[t] = new Thread(() -> {
                    for (int r = 0; r < 500; r++) pool.parallelFor(6, i -> total.incrementAndGet());
                });
                callers[t].start();
            }
            for (Thread t : callers) t.join();
            assertEquals(4 * 500 * 6, total.get());
        }
    }
}
