package dev.mast.train.augment;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/** Test generator that hands out prepared values in order and fails on any draw it was not prepared for. */
final class ScriptedRandom implements RandomGenerator {
    private final Deque<Object> values = new ArrayDeque<>();

    ScriptedRandom thenFloats(float... fs) {
        for (float f : fs) values.add(f);
        return this;
    }

    ScriptedRandom thenDoubles(double... ds) {
        for (double d : ds) values.add(d);
        return this;
    }

    ScriptedRandom thenInts(int... is) {
        for (int i : is) values.add(i);
        return this;
    }

    boolean exhausted() {
        return values.isEmpty();
    }

    private <T> T next(Class<T> type) {
        Object v = values.poll();
        if (!type.isInstance(v)) throw new AssertionError("unexpected draw of a " + type.getSimpleName() + ", scripted " + v);
        return type.cast(v);
    }

    @Override
    public float nextFloat() {
        return next(Float.class);
    }

    @Override
    public double nextDouble() {
        return next(Double.class);
    }

    @Override
    public int nextInt(int bound) {
        int v = next(Integer.class);
        if (v < 0 || v >= bound) throw new AssertionError("scripted " + v + " outside [0, " + bound + ")");
        return v;
    }

    @Override
    public int nextInt(int origin, int bound) {
        int v = next(Integer.class);
        if (v < origin || v >= bound) throw new AssertionError("scripted " + v + " outside [" + origin + ", " + bound + ")");
        return v;
    }

    @Override
    public long nextLong() {
        throw new AssertionError("unexpected nextLong");
    }
}
