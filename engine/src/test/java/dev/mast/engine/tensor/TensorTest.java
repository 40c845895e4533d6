package dev.mast.engine.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.*;

class TensorTest {
    private static float[] iota(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    @Test
    void viewsShareMemoryAndIndexCorrectly() {
        try (TensorArena arena = new TensorArena()) {
            Tensor t = arena.copyOf(iota(24), 2, 3, 4);
            assertTrue(t.isContiguous());
            assertEquals(23f, t.get(1, 2, 3));
            Tensor tr = t.transpose(1, 2); // (2, 4, 3)
            assertArrayEquals(new int[] {2, 4, 3}, tr.shape());
            assertFalse(tr.isContiguous());
            assertEquals(t.get(1, 2, 3), tr.get(1, 3, 2));
            Tensor p = t.permute(2, 0, 1); // (4, 2, 3)
            assertEquals(t.get(1, 0, 2), p.get(2, 1, 0));
            Tensor s = t.slice(2, 1, 3); // (2, 3, 2)
            assertEquals(t.get(0, 1, 1), s.get(0, 1, 0));
            Tensor sel = t.select(0, 1); // (3, 4)
            assertEquals(t.get(1, 2, 0), sel.get(2, 0));
            sel.set(-5f, 2, 0);
            assertEquals(-5f, t.get(1, 2, 0), "views write through");
            float[] flat = tr.toArray();
            assertEquals(t.get(0, 0, 1), flat[3]); // flat[3] is tr[0, 1, 0]
            assertEquals(t.get(0, 1, 0), flat[1]); // flat[1] is tr[0, 0, 1]
        }
    }

    @Test
    void reshapeInfersAndRefusesStridedViews() {
        try (TensorArena arena = new TensorArena()) {
            Tensor t = arena.copyOf(iota(24), 2, 3, 4);
            Tensor r = t.reshape(6, -1);
            assertArrayEquals(new int[] {6, 4}, r.shape());
            assertEquals(t.get(1, 0, 3), r.get(3, 3));
            var e = assertThrows(ShapeMismatchException.class, () -> t.reshape(5, 5));
            assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[5, 5]"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> t.transpose(0, 2).reshape(24));
        }
    }

    @Test
    void copyBetweenStridedViews() {
        try (TensorArena arena = new TensorArena()) {
            Tensor a = arena.copyOf(iota(12), 3, 4);
            Tensor b = arena.allocate(4, 3);
            b.copyFrom(a.transpose(0, 1));
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) assertEquals(a.get(i, j), b.get(j, i));
            assertThrows(ShapeMismatchException.class, () -> b.copyFrom(a));
            b.transpose(0, 1).fill(2f);
            for (float v : b.toArray()) assertEquals(2f, v);
        }
    }

    @Test
    void outOfRangeAccessIsRejected() {
        try (TensorArena arena = new TensorArena()) {
            Tensor t = arena.allocate(2, 3);
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> t.slice(1, 2, 4));
            assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(Arena.global().allocate(8), 3));
        }
    }

    @Test
    void closedArenaInvalidatesTensors() {
        TensorArena arena = new TensorArena();
        Tensor t = arena.allocate(4);
        arena.close();
        assertThrows(IllegalStateException.class, () -> t.get(0));
    }
}
