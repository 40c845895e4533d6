package dev.mast.engine.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own thread pool: {@code threads - 1} daemon workers plus the calling thread.
 *
 * <p>Why not the common ForkJoin pool: it has one worker on a two-core machine, and its hand-off costs tens of
 * microseconds, which dominates small operators. Here workers spin briefly after each job before parking, so a
 * forward pass that issues hundreds of small parallel operators pays almost nothing per hand-off.
 *
 * <p>{@link #parallelFor} splits work into tasks that any thread may take; kernels make every task compute the
 * same values whichever thread runs it, so results never depend on the thread count.
 *
 * <p>Thread-safe: when one caller is using the workers, another caller (or a task that calls back into the pool)
 * runs its tasks inline on its own thread, which gives the same results.
 */
public final class EnginePool implements AutoCloseable {
    /** A unit of work; {@code index} runs from 0 to the task count minus one. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    /** How long an idle thread spins before it parks, in nanoseconds. */
    private static final long SPIN_NANOS = 100_000;

    /** One call's work. Its counters live here so that a worker waking late can only ever see a finished job. */
    private static final class Job {
        final Task body;
        final int tasks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(Task body, int tasks, Thread caller) {
            this.body = body;
            this.tasks = tasks;
            this.caller = caller;
        }

        void runTasks() {
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    body.run(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                if (done.incrementAndGet() == tasks) LockSupport.unpark(caller);
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job current;
    private volatile boolean closed;

    /** A pool that runs work on {@code threads} threads in all (the caller included). */
    public EnginePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "mast-engine-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** The default thread count: the number of available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Total threads that run work, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.run(i)} for every {@code i} in {@code [0, tasks)} and returns when all have finished.
     * The first exception a task throws is rethrown here (after the other tasks have finished).
     */
    public void parallelFor(int tasks, Task body) {
        if (tasks <= 0) return;
        if (tasks == 1 || workers.length == 0 || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) body.run(i);
            return;
        }
        try {
            Job job = new Job(body, tasks, Thread.currentThread());
            current = job; // volatile write: publishes the job to the workers
            for (Thread w : workers) LockSupport.unpark(w);
            job.runTasks();
            long start = System.nanoTime();
            while (job.done.get() != tasks) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable t = job.failure.get();
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            busy.set(false);
        }
    }

    private void workerLoop() {
        Job seen = null;
        while (true) {
            long start = System.nanoTime();
            Job job;
            while ((job = current) == seen) {
                if (closed) return;
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = job;
            job.runTasks();
        }
    }

    /** Stops the workers. Later calls run inline on the caller. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
