package dev.mast.model;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process's resident memory outside the Java heap, from {@code /proc/self/smaps}: off-heap tensors, malloc,
 * mapped files, thread stacks, metaspace, code. The heap's address range (from the {@code GC.heap_info}
 * diagnostic command) is left out, because how much of it is resident depends on when the collector last ran.
 */
final class NativeMemory {
    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]{8,16})");
    private static final Pattern RANGE = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

    private NativeMemory() {}

    /** True where this can be measured (Linux with a heap range the collector reports). */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/smaps")) && heapRange() != null;
    }

    /** Resident kibibytes of every mapping that does not overlap the Java heap. */
    static long residentOutsideHeapKiB() throws IOException {
        long[] heap = heapRange();
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        long total = 0;
        boolean inHeap = false;
        for (String line : lines) {
            Matcher m = RANGE.matcher(line);
            if (m.find()) {
                long start = Long.parseUnsignedLong(m.group(1), 16), end = Long.parseUnsignedLong(m.group(2), 16);
                inHeap = Long.compareUnsigned(start, heap[1]) < 0 && Long.compareUnsigned(end, heap[0]) > 0;
            } else if (line.startsWith("Rss:") && !inHeap) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /** {lowest, highest} address the collector reports for the heap, or null. */
    private static long[] heapRange() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String info = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcHeapInfo", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Matcher m = ADDRESS.matcher(info);
            long lo = -1, hi = 0;
            while (m.find()) {
                long a = Long.parseUnsignedLong(m.group(1), 16);
                if (lo == -1 || Long.compareUnsigned(a, lo) < 0) lo = a;
                if (Long.compareUnsigned(a, hi) > 0) hi = a;
            }
            return lo == -1 || lo == hi ? null : new long[] {lo, hi};
        } catch (Exception e) {
            return null;
        }
    }
}
