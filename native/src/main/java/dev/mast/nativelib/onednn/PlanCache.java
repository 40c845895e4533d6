package dev.mast.nativelib.onednn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** An operation's compiled plans by argument shapes and strides; used under the engine's lock. */
final class PlanCache implements AutoCloseable {
    private final String op;
    private final Map<Key, Plan> plans = new HashMap<>();

    PlanCache(String op) {
        this.op = op;
    }

    /** The plan for the key in {@code key}, compiled by {@code build} the first time. */
    Plan get(Key.Builder key, Supplier<Plan> build) {
        Plan p = plans.get(key.probe());
        if (p == null) {
            p = build.get();
            plans.put(key.build(), p);
        }
        return p;
    }

    int size() {
        return plans.size();
    }

    void describeTo(List<String> out) {
        List<String> mine = new ArrayList<>();
        for (Plan p : plans.values()) mine.add(op + ": " + p.description);
        mine.sort(null);
        out.addAll(mine);
    }

    @Override
    public void close() {
        for (Plan p : plans.values()) p.close();
        plans.clear();
    }
}
