package dev.mast.cli;

import dev.mast.engine.tensor.Tensor;
import dev.mast.train.checkpoint.CheckpointFile;
import dev.mast.train.checkpoint.StateDict;
import dev.mast.train.testing.SyntheticKws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mast train} in child JVMs: a run killed with {@code destroyForcibly()} (SIGKILL) in the middle of an epoch,
 * two steps after its last checkpoint, and then continued with {@code --resume} ends with exactly the parameters,
 * optimiser state, model file and metrics of the uninterrupted run.
 */
class TrainResumeTest {
    @TempDir
    Path dir;

    @Test
    void aRunKilledMidEpochAndResumedEndsBitIdenticalToTheUninterruptedRun() throws Exception {
        SyntheticKws.write(dir.resolve("kws"), 6);
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");

        Process a = child(0, whole, "a");
        assertExit(0, a, "a");

        // 18 clips in batches of 4: 5 steps per epoch, checkpoints at steps 3, 5, 6, 9, 10, ...; step 8 hangs
        Process b = child(8, killed, "b");
        Path marker = dir.resolve("b.marker");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(marker) && b.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(Files.exists(marker), "the child never reached step 8: " + log("b"));
        b.destroyForcibly();
        assertTrue(b.waitFor(60, TimeUnit.SECONDS));
        try (Arena arena = Arena.ofConfined()) {
            StateDict ckpt = CheckpointFile.read(killed.resolve("checkpoint.safetensors"), arena);
            assertEquals("1", ckpt.metadata("epoch"));
            assertEquals("1", ckpt.metadata("batch_in_epoch"));
            assertEquals("6", ckpt.metadata("global_step"));
        }
        assertFalse(Files.exists(killed.resolve("metrics.json")));

        Process c = new ProcessBuilder(command(-1, "c", "--resume", killed.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("c.log").toFile()).start();
        assertExit(0, c, "c");
        assertTrue(log("c").contains("resumed at epoch 2, batch 1 of 5 (step 6)"), log("c"));

        assertEquals(tensors(whole.resolve("checkpoint.safetensors")), tensors(killed.resolve("checkpoint.safetensors")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")),
                Files.readAllBytes(killed.resolve("model.safetensors")));
        assertEquals(Files.readString(whole.resolve("metrics.json")), Files.readString(killed.resolve("metrics.json")));
        assertEquals(withoutTimes(whole.resolve("history.csv")), withoutTimes(killed.resolve("history.csv")));
    }

    private Process child(int hangAt, Path out, String name) throws IOException {
        Path data = dir.resolve("kws");
        return new ProcessBuilder(command(hangAt, name, "--data", data.toString(), "--out", out.toString(),
                "--frames", "48", "--epochs", "4", "--batch", "4", "--lr", "0.01", "--seed", "3", "--threads", "1",
                "--data-threads", "2", "--checkpoint-every", "3"))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private List<String> command(int hangAt, String name, String... trainArgs) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", classpath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
                TrainChild.class.getName(), Integer.toString(hangAt), dir.resolve(name + ".marker").toString()));
        cmd.addAll(List.of(trainArgs));
        return cmd;
    }

    private void assertExit(int expected, Process p, String name) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child " + name + " did not finish: " + log(name));
        assertEquals(expected, p.exitValue(), log(name));
    }

    private String log(String name) throws IOException {
        Path f = dir.resolve(name + ".log");
        return Files.exists(f) ? Files.readString(f) : "(no output)";
    }

    /** Every tensor of a checkpoint (model and optimiser) as name to values. */
    private static Map<String, List<Float>> tensors(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, List<Float>> out = new TreeMap<>();
            for (Map.Entry<String, Tensor> e : CheckpointFile.read(file, arena).tensors().entrySet()) {
                List<Float> v = new ArrayList<>();
                for (float x : e.getValue().toArray()) v.add(x);
                out.put(e.getKey(), v);
            }
            return out;
        }
    }

    /** history.csv without its last column (wall seconds). */
    private static String withoutTimes(Path csv) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(csv)) b.append(line, 0, line.lastIndexOf(',')).append('\n');
        return b.toString();
    }
}
