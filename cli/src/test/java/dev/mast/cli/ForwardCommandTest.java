package dev.mast.cli;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.ModelFile;
import dev.mast.model.ModelInfo;
import dev.mast.model.RandomInit;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ForwardCommandTest {
    @TempDir
    Path dir;

    /** Runs the CLI and returns {exit code, stderr}. */
    private static Object[] run(String... argv) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int code = Main.run(argv);
            return new Object[] {code, err.toString()};
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void writesTheSameLogitsAsTheLibrary() throws Exception {
        Path model = dir.resolve("m.safetensors"), input = dir.resolve("x.npy"), out = dir.resolve("y.npy");
        Path emb = dir.resolve("e.npy");
        float[] expected, expectedEmb;
        try (JavaBackend be = new JavaBackend(1);
             MastModel m = new MastModel(MastConfig.preset("micro16").withNumClasses(5), new RandomInit(3), be,
                     RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            ModelFile.save(model, m, ModelInfo.empty());
            Tensor x = arena.allocate(2, 96, 128);
            for (long i = 0; i < x.size(); i++) x.setFlat(i, (float) Math.sin(0.37 * i));
            Npy.write(input, x);
            Tensor y = arena.allocate(2, 5);
            m.forward(x, y, ws);
            expected = y.toArray();
            Tensor e = arena.allocate(2, 256);
            m.embed(x, e, ws);
            expectedEmb = e.toArray();
        }
        Object[] r = run("forward", "--weights", model.toString(), "--input", input.toString(), "--out",
                out.toString(), "--threads", "2");
        assertEquals(0, r[0], (String) r[1]);
        NpyArray y = Npy.read(out);
        assertArrayEquals(new int[] {2, 5}, y.shape());
        assertArrayEquals(expected, y.data(), 1e-6f);

        r = run("forward", "--weights", model.toString(), "--input", input.toString(), "--out", emb.toString(),
                "--embed");
        assertEquals(0, r[0], (String) r[1]);
        assertArrayEquals(expectedEmb, Npy.read(emb).data(), 1e-6f);
    }

    @Test
    void errorsAreOneLine() throws Exception {
        Path missing = dir.resolve("nope.safetensors");
        Path input = dir.resolve("x.npy");
        Npy.write(input, new int[] {4, 128}, new float[4 * 128]);
        Object[] r = run("forward", "--weights", missing.toString(), "--input", input.toString(), "--out", "y.npy");
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).startsWith("mast forward: "), (String) r[1]);
        assertEquals(1, ((String) r[1]).strip().lines().count(), (String) r[1]);

        Path garbage = dir.resolve("g.safetensors");
        Files.write(garbage, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, '{', '}'});
        r = run("forward", "--weights", garbage.toString(), "--input", input.toString(), "--out", "y.npy");
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("expected a (B, T, F)"), (String) r[1]);
        Path input3 = dir.resolve("x3.npy");
        Npy.write(input3, new int[] {1, 64, 128}, new float[64 * 128]);
        r = run("forward", "--weights", garbage.toString(), "--input", input3.toString(), "--out", "y.npy");
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("runs past the end"), (String) r[1]);
        assertEquals(1, ((String) r[1]).strip().lines().count(), (String) r[1]);

        r = run("forward", "--weights", "w", "--input", "x");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--out is required"), (String) r[1]);
        r = run("forward", "--wieghts", "w");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("unknown option --wieghts"), (String) r[1]);
    }
}
