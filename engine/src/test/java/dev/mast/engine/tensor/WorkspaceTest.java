package dev.mast.engine.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class WorkspaceTest {
    @Test
    void growsOnceToTheHighWaterMarkThenReuses() {
        try (Workspace ws = new Workspace()) {
            for (int call = 0; call < 5; call++) {
                Tensor a = ws.allocate(100, 33);
                long mark = ws.mark();
                Tensor b = ws.allocate(17);
                ws.release(mark);
                Tensor c = ws.allocate(1000);
                a.fill(1f);
                c.fill(2f);
                assertEquals(0, b.storage().address() % Tensor.ALIGNMENT);
                assertEquals(1f, a.get(99, 32));
                ws.reset();
            }
            long cap = ws.capacityBytes();
            assertTrue(cap >= ws.highWaterBytes(), "block holds a whole call");
            for (int call = 0; call < 100; call++) {
                ws.allocate(100, 33);
                ws.allocate(1000);
                ws.reset();
            }
            assertEquals(cap, ws.capacityBytes(), "no reallocation in steady state");
        }
    }

    @Test
    void allocationsDoNotOverlap() {
        try (Workspace ws = new Workspace(1024)) {
            Tensor a = ws.allocate(10).fill(1f);
            Tensor b = ws.allocate(300).fill(2f); // overflows the 1 KiB block
            Tensor c = ws.allocate(5).fill(3f);
            assertEquals(1f, a.get(9));
            assertEquals(2f, b.get(299));
            assertEquals(3f, c.get(4));
        }
    }
}
