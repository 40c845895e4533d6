package dev.mast.engine.kernel;

/**
 * How kernels cut their work into pool tasks. The cut is a function of the shape alone, never of the thread
 * count: together with each task computing its items in a fixed order, that makes results independent of how
 * many threads run the tasks (reductions that span tasks add the per-task partial results in task order).
 */
final class Split {
    private Split() {}

    /** Work (roughly multiply-adds or elements touched) that makes a task worth handing to another thread. */
    static final long GRAIN = 1 << 14;

    /** The number of tasks for {@code items} items of {@code workPerItem} each: at most items and maxTasks. */
    static int tasks(long items, long workPerItem, int maxTasks) {
        long byWork = Math.max(1, items * Math.max(1, workPerItem) / GRAIN);
        return (int) Math.max(1, Math.min(Math.min(items, byWork), maxTasks));
    }

    /** First item of task {@code task} when {@code items} items are cut into {@code tasks} near-equal ranges. */
    static long start(long items, int tasks, int task) {
        return items * task / tasks;
    }
}
