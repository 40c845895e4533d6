package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;

/**
 * Plain scalar implementations of every kernel: the readable definition that the fast kernels (and the oneDNN
 * backend) are tested against. Sums accumulate in double. Slow by design; never used on a hot path.
 *
 * <p>Arguments follow the fast kernels' conventions (see each kernel's Javadoc); shapes are not re-checked here.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {}

    /** c = alpha·a·b (+ c if accumulate); a [..., m, k], b [..., k, n], c [..., m, n], same leading dims. */
    public static void matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate) {
        int m = c.dim(-2), n = c.dim(-1), k = a.dim(-1);
        long batches = c.size() / ((long) m * n);
        for (long bt = 0; bt < batches; bt++) {
            Tensor ab = batch(a, bt), bb = batch(b, bt), cb = batch(c, bt);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double) ab.get(i, p) * bb.get(p, j);
                    float v = (float) (alpha * s);
                    cb.set(accumulate ? cb.get(i, j) + v : v, i, j);
                }
            }
        }
    }

    /** y = epilogue(x·wᵀ + bias); x [m, in], w [out, in], bias [out] or null, y [m, out]. */
    public static void linear(Tensor x, Tensor w, Tensor bias, Tensor y, Epilogue epilogue) {
        int m = x.dim(0), in = x.dim(1), out = w.dim(0);
        for (int i = 0; i < m; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias.get(o);
                for (int p = 0; p < in; p++) s += (double) x.get(i, p) * w.get(o, p);
                float v = (float) s;
                switch (epilogue) {
                    case NONE -> y.set(v, i, o);
                    case GELU -> y.set(gelu(v), i, o);
                    case ACCUMULATE -> y.set(y.get(i, o) + v, i, o);
                }
            }
        }
    }

    /** GELU, exact erf form: x/2·(1 + erf(x/√2)). */
    public static float gelu(float x) {
        return (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
    }

    /** y = gelu(x) elementwise. */
    public static void gelu(Tensor x, Tensor y) {
        for (long i = 0, n = x.size(); i < n; i++) y.setFlat(i, gelu(x.getFlat(i)));
    }

    /** out = a + b elementwise. */
    public static void add(Tensor a, Tensor b, Tensor out) {
        for (long i = 0, n = a.size(); i < n; i++) out.setFlat(i, a.getFlat(i) + b.getFlat(i));
    }

    /** LayerNorm over the last axis: y = (x - mean)/sqrt(var + eps)·gamma + beta (biased variance). */
    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        int c = x.dim(-1);
        long rows = x.size() / c;
        for (long r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) mean += x.getFlat(r * c + j);
            mean /= c;
            for (int j = 0; j < c; j++) {
                double d = x.getFlat(r * c + j) - mean;
                var += d * d;
            }
            var /= c;
            double rstd = 1 / Math.sqrt(var + eps);
            for (int j = 0; j < c; j++) {
                double v = (x.getFlat(r * c + j) - mean) * rstd * gamma.get(j) + beta.get(j);
                y.setFlat(r * c + j, (float) v);
            }
        }
    }

    /** Softmax over the last axis, max-subtracted. */
    public static void softmax(Tensor x, Tensor y) {
        int c = x.dim(-1);
        long rows = x.size() / c;
        for (long r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, x.getFlat(r * c + j));
            double sum = 0;
            for (int j = 0; j < c; j++) sum += Math.exp(x.getFlat(r * c + j) - max);
            for (int j = 0; j < c; j++) y.setFlat(r * c + j, (float) (Math.exp(x.getFlat(r * c + j) - max) / sum));
        }
    }

    /**
     * Depthwise 3×3 convolution, padding 1, no bias, channels last: x [..., H, W, C], w [C, 1, 3, 3],
     * y [..., Ho, Wo, C] with Ho = (H-1)/sh + 1.
     */
    public static void depthwiseConv3x3(Tensor x, Tensor w, int sh, int sw, Tensor y) {
        int h = x.dim(-3), wd = x.dim(-2), c = x.dim(-1), ho = y.dim(-3), wo = y.dim(-2);
        long images = x.size() / ((long) h * wd * c);
        for (long b = 0; b < images; b++) {
            Tensor xi = image(x, b), yi = image(y, b);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        for (int di = 0; di < 3; di++) {
                            for (int dj = 0; dj < 3; dj++) {
                                int r = i * sh - 1 + di, q = j * sw - 1 + dj;
                                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                                s += (double) xi.get(r, q, ch) * w.get(ch, 0, di, dj);
                            }
                        }
                        yi.set((float) s, i, j, ch);
                    }
                }
            }
        }
    }

    /** 3×3 max-pool, padding 1 (padding never wins), channels last: x [..., H, W, C], y [..., Ho, Wo, C]. */
    public static void maxPool3x3(Tensor x, int sh, int sw, Tensor y) {
        int h = x.dim(-3), wd = x.dim(-2), c = x.dim(-1), ho = y.dim(-3), wo = y.dim(-2);
        long images = x.size() / ((long) h * wd * c);
        for (long b = 0; b < images; b++) {
            Tensor xi = image(x, b), yi = image(y, b);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int di = 0; di < 3; di++) {
                            for (int dj = 0; dj < 3; dj++) {
                                int r = i * sh - 1 + di, q = j * sw - 1 + dj;
                                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                                m = Math.max(m, xi.get(r, q, ch));
                            }
                        }
                        yi.set(m, i, j, ch);
                    }
                }
            }
        }
    }

    /**
     * Convolution of a one-channel image: image [B, H, W], w [C, 1, kh, kw], bias [C] or null,
     * y [B, Ho, Wo, C] (channels last) with Ho = (H + 2·ph - kh)/sh + 1; zero padding.
     */
    public static void conv2dSingleChannel(Tensor image, Tensor w, Tensor bias, int sh, int sw, int ph, int pw,
                                           Tensor y) {
        int bsz = image.dim(0), h = image.dim(1), wd = image.dim(2);
        int c = w.dim(0), kh = w.dim(2), kw = w.dim(3), ho = y.dim(1), wo = y.dim(2);
        for (int b = 0; b < bsz; b++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = bias == null ? 0 : bias.get(ch);
                        for (int di = 0; di < kh; di++) {
                            for (int dj = 0; dj < kw; dj++) {
                                int r = i * sh - ph + di, q = j * sw - pw + dj;
                                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                                s += (double) image.get(b, r, q) * w.get(ch, 0, di, dj);
                            }
                        }
                        y.set((float) s, b, i, j, ch);
                    }
                }
            }
        }
    }

    /** Mean over tokens: x [B, N, C], y [B, C]. */
    public static void meanTokens(Tensor x, Tensor y) {
        int bsz = x.dim(0), n = x.dim(1), c = x.dim(2);
        for (int b = 0; b < bsz; b++) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int t = 0; t < n; t++) s += x.get(b, t, ch);
                y.set((float) (s / n), b, ch);
            }
        }
    }

    /** erf to double precision (W. J. Cody's rational approximations, as in most libm implementations). */
    public static double erf(double x) {
        // Abramowitz–Stegun 7.1.26 is too coarse for a reference; use the series / continued fraction split.
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // Maclaurin series: converges fast for |x| < 2.5 in double.
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc continued fraction (Lentz), accurate for larger |x|.
            double tiny = 1e-300, f = ax, c = ax, d = 0;
            for (int n = 1; n < 500; n++) {
                double an = n / 2.0;
                d = ax + an * d;
                d = d == 0 ? tiny : d;
                c = ax + an / c;
                c = c == 0 ? tiny : c;
                d = 1 / d;
                double delta = c * d;
                f *= delta;
                if (Math.abs(delta - 1) < 1e-16) break;
            }
            r = 1 - Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
        }
        return x < 0 ? -r : r;
    }

    /** The b-th matrix of a batched [..., rows, cols] view, as a rank-2 view. */
    static Tensor batch(Tensor t, long b) {
        Tensor v = t;
        for (int d = t.rank() - 3; d >= 0; d--) {
            int size = t.dim(d);
            v = v.select(d, (int) (b % size));
            b /= size;
        }
        return v;
    }

    /** The b-th image of a batched [..., H, W, C] view, as a rank-3 view. */
    static Tensor image(Tensor t, long b) {
        Tensor v = t;
        for (int d = t.rank() - 4; d >= 0; d--) {
            int size = t.dim(d);
            v = v.select(d, (int) (b % size));
            b /= size;
        }
        return v;
    }
}
