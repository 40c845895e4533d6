package dev.mast.train.loss;

import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.train.TestResources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Cross-entropy and BCE-with-logits against PyTorch (resources loss/make_losses.py: loss and d loss / d logits) and
 * against central finite differences of our own forward.
 */
class LossTest {
    private static final String DIR = "dev/mast/train/loss/";

    private record Case(Tensor logits, Tensor targets, float loss, float[] grad) {
        static Case load(String name) {
            NpyArray logits = TestResources.npy(DIR + name + "/logits.npy");
            NpyArray targets = TestResources.npy(DIR + name + "/targets.npy");
            return new Case(Tensor.of(logits.data(), logits.shape()), Tensor.of(targets.data(), targets.shape()),
                    TestResources.npy(DIR + name + "/loss.npy").data()[0],
                    TestResources.npy(DIR + name + "/grad.npy").data());
        }

        int[] labels() {
            int b = targets.dim(0), k = targets.dim(1);
            int[] labels = new int[b];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) if (targets.get(i, j) == 1f) labels[i] = j;
            }
            return labels;
        }
    }

    /** Loss to float32 rounding of PyTorch's float32 result; gradient to a few float32 ulps of its scale. */
    private static void assertMatchesTorch(Case c, double loss, Tensor grad) {
        assertEquals(c.loss, loss, 2e-7 * Math.abs(c.loss) + 1e-7, "loss");
        float[] g = grad.toArray();
        float scale = 0;
        for (float x : c.grad) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < g.length; i++) assertEquals(c.grad[i], g[i], 4 * Math.ulp(scale), "grad " + i);
    }

    @ParameterizedTest
    @CsvSource({"ce_hard, 0.0", "ce_hard_ls, 0.1", "ce_extreme, 0.0"})
    void crossEntropyWithClassLabels(String name, double smoothing) {
        Case c = Case.load(name);
        CrossEntropyLoss ce = new CrossEntropyLoss(smoothing);
        Tensor grad = Tensor.of(new float[(int) c.logits.size()], c.logits.shape());
        double loss = ce.backward(c.logits, c.labels(), grad);
        assertMatchesTorch(c, loss, grad);
        assertEquals(loss, ce.forward(c.logits, c.labels()), 0);
        // the same through probability targets (one-hot rows)
        assertEquals(loss, ce.forward(c.logits, c.targets), 1e-12);
    }

    @ParameterizedTest
    @CsvSource({"ce_soft, 0.0", "ce_soft_ls, 0.1"})
    void crossEntropyWithMixupTargets(String name, double smoothing) {
        Case c = Case.load(name);
        CrossEntropyLoss ce = new CrossEntropyLoss(smoothing);
        Tensor grad = Tensor.of(new float[(int) c.logits.size()], c.logits.shape());
        assertMatchesTorch(c, ce.backward(c.logits, c.targets, grad), grad);
    }

    @ParameterizedTest
    @CsvSource({"bce_multi", "bce_soft"})
    void binaryCrossEntropyWithLogits(String name) {
        Case c = Case.load(name);
        BceWithLogitsLoss bce = new BceWithLogitsLoss();
        Tensor grad = Tensor.of(new float[(int) c.logits.size()], c.logits.shape());
        assertMatchesTorch(c, bce.backward(c.logits, c.targets, grad), grad);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        int b = 4, k = 9;
        float[] z = new float[b * k], soft = new float[b * k], multi = new float[b * k];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (3 * r.nextGaussian());
            multi[i] = r.nextDouble() < 0.3 ? 1 : 0;
        }
        for (int row = 0; row < b; row++) {
            double lam = r.nextDouble();
            soft[row * k + r.nextInt(k)] += (float) lam;
            soft[row * k + r.nextInt(k)] += (float) (1 - lam);
        }
        Tensor targets = Tensor.of(soft, b, k), multiHot = Tensor.of(multi, b, k);
        CrossEntropyLoss ce = new CrossEntropyLoss(0.1);
        BceWithLogitsLoss bce = new BceWithLogitsLoss();
        checkFiniteDifferences(z, b, k, x -> ce.forward(x, targets), (x, g) -> ce.backward(x, targets, g));
        checkFiniteDifferences(z, b, k, x -> bce.forward(x, multiHot), (x, g) -> bce.backward(x, multiHot, g));
    }

    private interface Backward {
        void run(Tensor logits, Tensor grad);
    }

    /** Central differences in double around float32 logits: d = (f(x + h) − f(x − h)) / (x⁺ − x⁻), h ≈ 1e-3. */
    private static void checkFiniteDifferences(float[] z, int b, int k, ToDoubleFunction<Tensor> f, Backward backward) {
        Tensor grad = Tensor.of(new float[b * k], b, k);
        backward.run(Tensor.of(z.clone(), b, k), grad);
        for (int i = 0; i < z.length; i++) {
            float[] plus = z.clone(), minus = z.clone();
            plus[i] = z[i] + 1e-3f;
            minus[i] = z[i] - 1e-3f;
            double fd = (f.applyAsDouble(Tensor.of(plus, b, k)) - f.applyAsDouble(Tensor.of(minus, b, k)))
                    / ((double) plus[i] - minus[i]);
            assertEquals(fd, grad.getFlat(i), 1e-6, "d loss / d logit " + i);
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        Tensor z = Tensor.of(new float[] {1e4f, -1e4f, 0f, -1e4f}, 2, 2);
        Tensor y = Tensor.of(new float[] {0f, 1f, 1f, 0f}, 2, 2);
        Tensor g = Tensor.of(new float[4], 2, 2);
        double bce = new BceWithLogitsLoss().backward(z, y, g);
        // entries: x=1e4,y=0 -> 1e4; x=-1e4,y=1 -> 1e4; x=0,y=1 -> log 2; x=-1e4,y=0 -> 0
        assertEquals((2e4 + Math.log(2)) / 4, bce, 1e-9);
        assertEquals(0.25f, g.get(0, 0), 0f);
        double ce = new CrossEntropyLoss(0).backward(z, new int[] {1, 0}, g);
        assertEquals((2e4 + Math.log1p(Math.exp(-1e4))) / 2, ce, 1e-9);
    }

    @Test
    void badInputsGiveClearErrors() {
        Tensor z = Tensor.of(new float[6], 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(0).forward(z, new int[] {0, 3}));
        assertEquals("label 3 of row 1 is outside 0..2", e.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> new CrossEntropyLoss(0).forward(z, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(1.5));
    }
}
