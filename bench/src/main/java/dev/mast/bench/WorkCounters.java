package dev.mast.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary JMH results of the kernel benchmarks: a benchmark adds the bytes its kernel call must move (each input
 * read once, each output written once) and the floating-point operations it does, and JMH reports both per second
 * next to the call rate: "bytes" in B/s (divide by 1e9 for GB/s), "flops" in FLOP/s (by 1e9 for GFLOPS).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WorkCounters {
    public long bytes;
    public long flops;

    @Setup(Level.Iteration)
    public void clear() {
        bytes = 0;
        flops = 0;
    }

    /** Counts one call that moved {@code callBytes} and did {@code callFlops}. */
    public void add(long callBytes, long callFlops) {
        bytes += callBytes;
        flops += callFlops;
    }
}
