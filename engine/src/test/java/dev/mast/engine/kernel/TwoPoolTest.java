package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the kernel tests that run their cases on a one-thread and a two-thread pool (a kernel's bits must not
 * depend on the thread count): the two pools, made before a test class runs and closed after it.
 */
abstract class TwoPoolTest {
    static EnginePool one, two;

    @BeforeAll
    static void pools() {
        one = new EnginePool(1);
        two = new EnginePool(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }
}
