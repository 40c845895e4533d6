package dev.mast.cli;

import dev.mast.audio.TestWavs;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.FrontendSettings;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.ModelFile;
import dev.mast.model.ModelInfo;
import dev.mast.model.RandomInit;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.RelPosMode;
import dev.mast.nativelib.onednn.DnnlLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --backend java|onednn} on every command that runs a model: both give the library's results, a bad name is
 * a usage error, and without oneDNN (a child JVM whose class path lacks the dnnl jar) the default falls back to
 * Java after one line on stderr while an explicit {@code --backend onednn} fails with one line.
 */
class BackendOptionTest {
    @TempDir
    static Path dir;
    static Path model, input, wav;
    static float[] expected;

    @BeforeAll
    static void writeFiles() throws IOException {
        model = dir.resolve("m.safetensors");
        input = dir.resolve("x.npy");
        try (JavaBackend be = new JavaBackend(1);
             MastModel m = new MastModel(MastConfig.preset("micro16").withNumClasses(4), new RandomInit(5), be,
                     RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            ModelFile.save(model, m, new ModelInfo(List.of("a", "b", "c", "d"),
                    new FrontendSettings("kaldi", 16000, 48, -6.845978f, 2 * 5.5654526f)));
            Tensor x = arena.allocate(1, 64, 128);
            for (long i = 0; i < x.size(); i++) x.setFlat(i, (float) Math.cos(0.11 * i));
            Npy.write(input, x);
            Tensor y = arena.allocate(1, 4);
            m.forward(x, y, ws);
            expected = y.toArray();
        }
        wav = TestWavs.writeMono16(dir.resolve("tone.wav"), TestWavs.tone(440, 8000, 16000, 1), 16000);
    }

    @Test
    void forwardOnEachBackendGivesTheLibrarysLogits() throws IOException {
        List<String> names = new ArrayList<>(List.of("java"));
        if (DnnlLibrary.isAvailable()) names.add("onednn");
        for (String name : names) {
            Path out = dir.resolve("y-" + name + ".npy");
            CommandRunner.Result r = CommandRunner.run(new ForwardCommand(), "--weights", model.toString(),
                    "--input", input.toString(), "--out", out.toString(), "--threads", "2", "--backend", name);
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err(), "no notice when a backend is named");
            NpyArray y = Npy.read(out);
            assertArrayEquals(expected, y.data(), 1e-5f, name);
        }
    }

    @Test
    void classifyAndEmbedAgreeAcrossBackends() throws IOException {
        assumeTrue(DnnlLibrary.isAvailable(), "oneDNN cannot load here");
        CommandRunner.Result java = CommandRunner.run(new ClassifyCommand(), "--model", model.toString(),
                "--backend", "java", "--json", wav.toString());
        CommandRunner.Result dnnl = CommandRunner.run(new ClassifyCommand(), "--model", model.toString(),
                "--backend", "onednn", "--json", wav.toString());
        assertEquals(0, java.code(), java.err());
        assertEquals(0, dnnl.code(), dnnl.err());
        assertEquals(labels(java.out()), labels(dnnl.out()), "same ranking");

        Path ej = dir.resolve("ej.npy"), ed = dir.resolve("ed.npy");
        assertEquals(0, CommandRunner.run(new EmbedCommand(), "--model", model.toString(), "--out", ej.toString(),
                "--backend", "java", wav.toString()).code());
        assertEquals(0, CommandRunner.run(new EmbedCommand(), "--model", model.toString(), "--out", ed.toString(),
                "--backend", "onednn", wav.toString()).code());
        assertArrayEquals(Npy.read(ej).data(), Npy.read(ed).data(), 1e-5f);
    }

    /** The labels in the order of one JSON Lines record (probabilities differ in the last bits). */
    private static List<String> labels(String json) {
        return Arrays.stream(json.split("\"label\": \"")).skip(1).map(s -> s.substring(0, s.indexOf('"')))
                .collect(Collectors.toList());
    }

    @Test
    void unknownBackendIsAUsageError() {
        String m = model.toString(), w = wav.toString();
        List<List<String>> lines = List.of(
                List.of("forward", "--weights", m, "--input", input.toString(), "--out", "o.npy"),
                List.of("classify", "--model", m, w),
                List.of("embed", "--model", m, "--out", "o.npy", w),
                List.of("eval", "--model", m, "--data", dir.toString()));
        for (List<String> line : lines) {
            String name = line.getFirst();
            Command c = switch (name) {
                case "forward" -> new ForwardCommand();
                case "classify" -> new ClassifyCommand();
                case "embed" -> new EmbedCommand();
                default -> new EvalCommand();
            };
            List<String> args = new ArrayList<>(line.subList(1, line.size()));
            args.addAll(List.of("--backend", "cuda"));
            CommandRunner.Result r = CommandRunner.run(c, args.toArray(String[]::new));
            assertEquals(2, r.code(), r.err());
            assertEquals("mast " + name + ": --backend: unknown backend 'cuda' (expected java or onednn) (see mast "
                    + name + " --help)", r.err().strip());
        }
    }

    @Test
    void withoutOnednnTheDefaultFallsBackWithOneLine() throws Exception {
        Path out = dir.resolve("fallback.npy");
        Child fallback = runWithoutDnnl("forward", "--weights", model.toString(), "--input", input.toString(),
                "--out", out.toString(), "--threads", "1");
        assertEquals(0, fallback.code, fallback.err);
        List<String> lines = fallback.err.strip().lines().toList();
        assertEquals(1, lines.size(), fallback.err);
        assertTrue(lines.getFirst().startsWith("mast: oneDNN: the jar org.bytedeco:dnnl:")
                && lines.getFirst().endsWith("; running on the Java backend"), lines.getFirst());
        assertArrayEquals(expected, Npy.read(out).data(), 1e-6f);

        Child explicit = runWithoutDnnl("forward", "--weights", model.toString(), "--input", input.toString(),
                "--out", out.toString(), "--backend", "onednn");
        assertEquals(1, explicit.code, explicit.err);
        assertEquals(1, explicit.err.strip().lines().count(), explicit.err);
        assertTrue(explicit.err.startsWith("mast forward: oneDNN: the jar org.bytedeco:dnnl:"), explicit.err);
    }

    private record Child(int code, String err) {}

    /** Runs the CLI in a child JVM whose class path has everything but the oneDNN jar. */
    private static Child runWithoutDnnl(String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutDnnl = Arrays.stream(classpath.split(File.pathSeparator))
                .filter(p -> !p.isEmpty() && !Path.of(p).getFileName().toString().startsWith("dnnl-"))
                .collect(Collectors.joining(File.pathSeparator));
        assertNotEquals(classpath, withoutDnnl, "the dnnl jar should be on the test class path");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", withoutDnnl, Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "child", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        String text = Files.readString(err).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .collect(Collectors.joining("\n"));
        return new Child(p.exitValue(), text);
    }
}
