package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A long-running service must not grow: 10,000 small operations on cached plans keep the plan count and scratch
 * size fixed and allocate no native memory, and opening and closing engines frees what they held.
 *
 * <p>Native memory is read two ways: bytes in use by malloc (glibc's {@code mallinfo2}, all arenas: oneDNN's
 * objects and FFM arenas both come from malloc), which a leak of a few hundred bytes per call would exceed, and the
 * process RSS from {@code /proc/self/status} with a generous bound, since the JVM's own heap and code cache move it.
 */
class DnnlMemoryTest {
    private static final long MALLOC_GROWTH_LIMIT = 8L << 20;
    private static final long RSS_GROWTH_LIMIT = 128L << 20;

    @Test
    void tenThousandCachedOperationsDoNotGrowNativeMemory() throws Throwable {
        try (DnnlEngine e = DnnlEngine.open(2); TensorArena ar = new TensorArena()) {
            Tensor w = Fill.random(ar, 1, 48, 32), b = Fill.random(ar, 2, 48);
            DnnlLinear lin = e.linear(w, b);
            DnnlDepthwiseConv3x3 pool = e.depthwiseConv3x3(Fill.random(ar, 3, 16, 1, 3, 3));
            DnnlConvStem stem = e.convStem(Fill.random(ar, 4, 8, 1, 7, 7), Fill.random(ar, 5, 8), 4, 4, 3, 3);
            Tensor x = Fill.random(ar, 6, 2, 9, 32), h = ar.allocate(2, 9, 48);
            Tensor gamma = Fill.random(ar, 7, 48), beta = Fill.random(ar, 8, 48);
            Tensor qkv = Fill.random(ar, 9, 2, 9, 3, 2, 16);
            Tensor q = qkv.select(2, 0).permute(0, 2, 1, 3), k = qkv.select(2, 1).permute(0, 2, 1, 3);
            Tensor scores = ar.allocate(2, 2, 9, 9);
            Tensor image = Fill.random(ar, 10, 2, 3, 3, 16), pooled = ar.allocate(2, 2, 2, 16);
            Tensor spec = Fill.random(ar, 11, 1, 20, 12), tokens = ar.allocate(1, 5, 3, 8);
            Runnable[] ops = {
                    () -> lin.forward(x, h, Epilogue.GELU),
                    () -> e.layerNorm(h, gamma, beta, 1e-6f, h),
                    () -> e.matmul(q, k.transpose(-2, -1), scores, 0.25f, false),
                    () -> e.softmax(scores, scores),
                    () -> pool.forward(image.permute(0, 1, 2, 3), 2, 2, pooled),
                    () -> stem.forward(spec.transpose(1, 2).transpose(1, 2), tokens)};
            int total = 10_000, warmup = 2_000; // warm-up: JIT compilation and oneDNN's own caches settle
            for (int i = 0; i < warmup; i++) ops[i % ops.length].run();
            int plans = e.cachedPlans();
            long scratch = e.scratchBytes();
            long malloc = mallocInUse(), rss = rssBytes();
            for (int i = warmup; i < total; i++) ops[i % ops.length].run();
            long mallocGrowth = mallocInUse() - malloc, rssGrowth = rssBytes() - rss;
            System.out.printf("after %d ops: %d plans, %d scratch bytes, malloc %+d bytes, RSS %+d bytes%n", total,
                    e.cachedPlans(), e.scratchBytes(), mallocGrowth, rssGrowth);
            assertEquals(plans, e.cachedPlans(), "cached plans");
            assertEquals(scratch, e.scratchBytes(), "scratch memory");
            assertTrue(mallocGrowth < MALLOC_GROWTH_LIMIT, "malloc'd bytes grew by " + mallocGrowth);
            assertTrue(rssGrowth < RSS_GROWTH_LIMIT, "RSS grew by " + rssGrowth);
            assertFalse(Float.isNaN(scores.get(1, 1, 8, 8)));
        }
    }

    @Test
    void closingEnginesFreesWhatTheyHeld() throws Throwable {
        try (TensorArena ar = new TensorArena()) {
            Tensor w = Fill.random(ar, 1, 64, 64), x = Fill.random(ar, 2, 5, 64), y = ar.allocate(5, 64);
            Runnable cycle = () -> {
                try (DnnlEngine e = DnnlEngine.open(1)) {
                    e.linear(w, null).forward(x, y, Epilogue.NONE);
                    e.layerNorm(y, w.select(0, 0), w.select(0, 1), 1e-5f, y);
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
            };
            for (int i = 0; i < 200; i++) cycle.run(); // warm-up, as above
            long malloc = mallocInUse();
            for (int i = 0; i < 300; i++) cycle.run();
            long growth = mallocInUse() - malloc;
            System.out.printf("after 300 more engines: malloc %+d bytes%n", growth);
            assertTrue(growth < MALLOC_GROWTH_LIMIT, "malloc'd bytes grew by " + growth);
        }
    }

    /** Bytes allocated through malloc and not freed, over all arenas: mallinfo2's uordblks + hblkhd. */
    static long mallocInUse() throws Throwable {
        StructLayout mallinfo2 = MemoryLayout.structLayout(
                ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
                ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
                ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
                ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
                ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));
        Linker linker = Linker.nativeLinker();
        MethodHandle h = linker.downcallHandle(linker.defaultLookup().find("mallinfo2").orElseThrow(),
                FunctionDescriptor.of(mallinfo2));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = (MemorySegment) h.invokeExact((java.lang.foreign.SegmentAllocator) a);
            return m.get(ValueLayout.JAVA_LONG, mallinfo2.byteOffset(MemoryLayout.PathElement.groupElement("uordblks")))
                    + m.get(ValueLayout.JAVA_LONG, mallinfo2.byteOffset(MemoryLayout.PathElement.groupElement("hblkhd")));
        }
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
