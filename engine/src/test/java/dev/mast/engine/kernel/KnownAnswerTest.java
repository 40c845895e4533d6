package dev.mast.engine.kernel;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The kernels against answers computed by PyTorch in float64 autograd from the same float32 inputs
 * ({@code src/test/resources/kernels/make_kernels.py}); tolerances cover float32 rounding only.
 */
class KnownAnswerTest {
    private static EnginePool pool;

    @BeforeAll
    static void start() {
        pool = new EnginePool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static NpyArray npy(String name) {
        try {
            return Npy.read(Path.of(KnownAnswerTest.class.getResource("/kernels/" + name + ".npy").toURI()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read test resource kernels/" + name + ".npy", e);
        }
    }

    private static Tensor load(TensorArena arena, String name) {
        NpyArray a = npy(name);
        return arena.copyOf(a.data(), a.shape());
    }

    private static float[] values(String name) {
        return npy(name).data();
    }

    @Test
    void gelu() {
        try (TensorArena arena = new TensorArena()) {
            Tensor x = load(arena, "gelu_x"), y = arena.allocate(x.shape()), dx = arena.allocate(x.shape());
            Gelu.forward(pool, x, y);
            Close.assertClose("gelu", values("gelu_y"), y.toArray(), 7e-8, 1.1e-7);
            Gelu.backward(pool, x, load(arena, "gelu_dy"), dx);
            Close.assertClose("gelu backward", values("gelu_dx"), dx.toArray(), 3e-7, 3e-7);
        }
    }

    @Test
    void layerNorm() {
        for (String name : new String[] {"layer_norm_96", "layer_norm_7"}) {
            try (TensorArena arena = new TensorArena()) {
                Tensor x = load(arena, name + "_x"), gamma = load(arena, name + "_gamma");
                float eps = values(name + "_eps")[0];
                int rows = x.dim(0), c = x.dim(1);
                Tensor y = arena.allocate(rows, c), mean = arena.allocate(rows), rstd = arena.allocate(rows);
                LayerNorm.forward(pool, x, gamma, load(arena, name + "_beta"), eps, y, mean, rstd);
                Close.assertClose(name + " y", values(name + "_y"), y.toArray(), 1e-5, 1e-5);
                Tensor dx = arena.allocate(rows, c), dg = arena.allocate(c), db = arena.allocate(c);
                LayerNorm.backward(pool, x, gamma, mean, rstd, load(arena, name + "_dy"), dx, dg, db);
                Close.assertClose(name + " dx", values(name + "_dx"), dx.toArray(), 1e-4, 1e-5);
                Close.assertClose(name + " dgamma", values(name + "_dgamma"), dg.toArray(), 1e-5, 1e-5);
                Close.assertClose(name + " dbeta", values(name + "_dbeta"), db.toArray(), 1e-5, 1e-5);
            }
        }
    }

    @Test
    void softmax() {
        for (String name : new String[] {"softmax_9", "softmax_78"}) {
            try (TensorArena arena = new TensorArena()) {
                Tensor x = load(arena, name + "_x"), y = arena.allocate(x.shape()), dx = arena.allocate(x.shape());
                Softmax.forward(pool, x, y);
                Close.assertClose(name + " y", values(name + "_y"), y.toArray(), 1e-6, 1e-9);
                Softmax.backward(pool, y, load(arena, name + "_dy"), dx);
                Close.assertClose(name + " dx", values(name + "_dx"), dx.toArray(), 1e-5, 1e-7);
            }
        }
    }

    @Test
    void depthwiseConv() {
        for (String name : new String[] {"dwconv_s1", "dwconv_s2", "dwconv_s31"}) {
            try (TensorArena arena = new TensorArena()) {
                Tensor x = load(arena, name + "_x"), w = load(arena, name + "_weight");
                float[] stride = values(name + "_stride");
                int sh = (int) stride[0], sw = (int) stride[1];
                Tensor dy = load(arena, name + "_dy"), y = arena.allocate(dy.shape());
                DepthwiseConv3x3.forward(pool, x, w, sh, sw, y);
                Close.assertClose(name + " y", values(name + "_y"), y.toArray(), 1e-5, 1e-6);
                Tensor dx = arena.allocate(x.shape()), dw = arena.allocate(w.shape());
                DepthwiseConv3x3.backward(pool, x, w, dy, sh, sw, dx, dw);
                Close.assertClose(name + " dx", values(name + "_dx"), dx.toArray(), 1e-5, 1e-6);
                Close.assertClose(name + " dweight", values(name + "_dweight"), dw.toArray(), 1e-5, 1e-5);
            }
        }
    }

    @Test
    void maxPoolWithTies() {
        for (String name : new String[] {"maxpool_s2", "maxpool_s1"}) {
            try (TensorArena arena = new TensorArena()) {
                Tensor x = load(arena, name + "_x");
                float[] stride = values(name + "_stride");
                int sh = (int) stride[0], sw = (int) stride[1];
                Tensor dy = load(arena, name + "_dy"), y = arena.allocate(dy.shape()), dx = arena.allocate(x.shape());
                MaxPool3x3.forward(pool, x, sh, sw, y);
                assertArrayEquals(values(name + "_y"), y.toArray(), name + " y");
                MaxPool3x3.backward(pool, x, dy, sh, sw, dx);
                Close.assertClose(name + " dx", values(name + "_dx"), dx.toArray(), 1e-6, 1e-7);
            }
        }
    }
}
