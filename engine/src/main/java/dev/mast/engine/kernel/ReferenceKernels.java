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

    /** GELU, exact erf form: x/2·(1 + erf(x/√2)), as x/2·erfc(-x/√2) so that it keeps its precision for x < 0. */
    public static float gelu(float x) {
        return (float) gelu((double) x);
    }

    /** GELU in double precision. */
    public static double gelu(double x) {
        return 0.5 * x * erfc(-x / Math.sqrt(2));
    }

    /** gelu'(x) = Φ(x) + x·φ(x), Φ and φ the standard normal distribution and density. */
    public static double geluDerivative(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** y = gelu(x) elementwise. */
    public static void gelu(Tensor x, Tensor y) {
        for (long i = 0, n = x.size(); i < n; i++) y.setFlat(i, gelu(x.getFlat(i)));
    }

    /** dx = dy·gelu'(x) elementwise. */
    public static void geluBackward(Tensor x, Tensor dy, Tensor dx) {
        for (long i = 0, n = x.size(); i < n; i++) {
            dx.setFlat(i, (float) (dy.getFlat(i) * geluDerivative(x.getFlat(i))));
        }
    }

    /** out = a + b elementwise. */
    public static void add(Tensor a, Tensor b, Tensor out) {
        for (long i = 0, n = a.size(); i < n; i++) out.setFlat(i, a.getFlat(i) + b.getFlat(i));
    }

    /** LayerNorm over the last axis: y = (x - mean)/sqrt(var + eps)·gamma + beta (biased variance). */
    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        layerNorm(x, gamma, beta, eps, y, null, null);
    }

    /** LayerNorm that also stores each row's mean and 1/sqrt(var + eps) (flat row order) unless null. */
    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean,
                                 Tensor rstd) {
        int c = x.dim(-1);
        long rows = x.size() / c;
        for (long r = 0; r < rows; r++) {
            double mu = rowMean(x, r, c);
            double rs = 1 / Math.sqrt(rowVariance(x, r, c, mu) + eps);
            if (mean != null) mean.setFlat(r, (float) mu);
            if (rstd != null) rstd.setFlat(r, (float) rs);
            for (int j = 0; j < c; j++) {
                double v = (x.getFlat(r * c + j) - mu) * rs * gamma.get(j) + beta.get(j);
                y.setFlat(r * c + j, (float) v);
            }
        }
    }

    /**
     * LayerNorm backward, statistics recomputed from x: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)) with g = dy·gamma
     * (dx overwritten); dgamma += Σ dy·x̂ and dbeta += Σ dy over rows.
     */
    public static void layerNormBackward(Tensor x, Tensor gamma, float eps, Tensor dy, Tensor dx, Tensor dgamma,
                                         Tensor dbeta) {
        int c = x.dim(-1);
        long rows = x.size() / c;
        double[] dg = new double[c], db = new double[c];
        for (long r = 0; r < rows; r++) {
            double mu = rowMean(x, r, c);
            double rs = 1 / Math.sqrt(rowVariance(x, r, c, mu) + eps);
            double sumG = 0, sumGx = 0;
            for (int j = 0; j < c; j++) {
                double xhat = (x.getFlat(r * c + j) - mu) * rs, d = dy.getFlat(r * c + j);
                double g = d * gamma.get(j);
                sumG += g;
                sumGx += g * xhat;
                dg[j] += d * xhat;
                db[j] += d;
            }
            for (int j = 0; j < c; j++) {
                double xhat = (x.getFlat(r * c + j) - mu) * rs;
                double g = (double) dy.getFlat(r * c + j) * gamma.get(j);
                dx.setFlat(r * c + j, (float) (rs * (g - sumG / c - xhat * sumGx / c)));
            }
        }
        for (int j = 0; j < c; j++) {
            dgamma.set((float) (dgamma.get(j) + dg[j]), j);
            dbeta.set((float) (dbeta.get(j) + db[j]), j);
        }
    }

    private static double rowMean(Tensor x, long r, int c) {
        double s = 0;
        for (int j = 0; j < c; j++) s += x.getFlat(r * c + j);
        return s / c;
    }

    private static double rowVariance(Tensor x, long r, int c, double mean) {
        double s = 0;
        for (int j = 0; j < c; j++) {
            double d = x.getFlat(r * c + j) - mean;
            s += d * d;
        }
        return s / c;
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

    /** Softmax backward from the output: dx = y·(dy - Σ dy·y) row by row (dx overwritten). */
    public static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        int c = y.dim(-1);
        long rows = y.size() / c;
        for (long r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < c; j++) s += (double) dy.getFlat(r * c + j) * y.getFlat(r * c + j);
            for (int j = 0; j < c; j++) {
                dx.setFlat(r * c + j, (float) (y.getFlat(r * c + j) * (dy.getFlat(r * c + j) - s)));
            }
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

    /**
     * Depthwise 3×3 backward by scattering each output gradient over its window: dx overwritten, dw [C, 1, 3, 3]
     * accumulated.
     */
    public static void depthwiseConv3x3Backward(Tensor x, Tensor w, Tensor dy, int sh, int sw, Tensor dx, Tensor dw) {
        int h = x.dim(-3), wd = x.dim(-2), c = x.dim(-1), ho = dy.dim(-3), wo = dy.dim(-2);
        long images = x.size() / ((long) h * wd * c);
        double[] dwSum = new double[c * 9];
        for (long b = 0; b < images; b++) {
            Tensor xi = image(x, b), dyi = image(dy, b), dxi = image(dx, b);
            double[] dxSum = new double[h * wd * c];
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double g = dyi.get(i, j, ch);
                        for (int di = 0; di < 3; di++) {
                            for (int dj = 0; dj < 3; dj++) {
                                int r = i * sh - 1 + di, q = j * sw - 1 + dj;
                                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                                dxSum[(r * wd + q) * c + ch] += g * w.get(ch, 0, di, dj);
                                dwSum[ch * 9 + di * 3 + dj] += g * xi.get(r, q, ch);
                            }
                        }
                    }
                }
            }
            for (int r = 0; r < h; r++) {
                for (int q = 0; q < wd; q++) {
                    for (int ch = 0; ch < c; ch++) dxi.set((float) dxSum[(r * wd + q) * c + ch], r, q, ch);
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < 9; k++) {
                dw.set((float) (dw.get(ch, 0, k / 3, k % 3) + dwSum[ch * 9 + k]), ch, 0, k / 3, k % 3);
            }
        }
    }

    /**
     * 3×3 max-pool, padding 1 (padding never wins), channels last: x [..., H, W, C], y [..., Ho, Wo, C]. The
     * winner is PyTorch's: scan the window row by row, take a tap that is greater than the current winner or NaN.
     */
    public static void maxPool3x3(Tensor x, int sh, int sw, Tensor y) {
        int h = x.dim(-3), wd = x.dim(-2), c = x.dim(-1), ho = y.dim(-3), wo = y.dim(-2);
        long images = x.size() / ((long) h * wd * c);
        for (long b = 0; b < images; b++) {
            Tensor xi = image(x, b), yi = image(y, b);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        int[] rq = maxPoolWinner(xi, i, j, ch, sh, sw);
                        yi.set(xi.get(rq[0], rq[1], ch), i, j, ch);
                    }
                }
            }
        }
    }

    /** Max-pool backward: each output gradient goes to its window's winner (dx overwritten). */
    public static void maxPool3x3Backward(Tensor x, Tensor dy, int sh, int sw, Tensor dx) {
        int h = x.dim(-3), wd = x.dim(-2), c = x.dim(-1), ho = dy.dim(-3), wo = dy.dim(-2);
        long images = x.size() / ((long) h * wd * c);
        for (long b = 0; b < images; b++) {
            Tensor xi = image(x, b), dyi = image(dy, b), dxi = image(dx, b);
            double[] sum = new double[h * wd * c];
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        int[] rq = maxPoolWinner(xi, i, j, ch, sh, sw);
                        sum[(rq[0] * wd + rq[1]) * c + ch] += dyi.get(i, j, ch);
                    }
                }
            }
            for (int r = 0; r < h; r++) {
                for (int q = 0; q < wd; q++) {
                    for (int ch = 0; ch < c; ch++) dxi.set((float) sum[(r * wd + q) * c + ch], r, q, ch);
                }
            }
        }
    }

    /** {row, column} of the winner of window (i, j) in channel ch of one image. */
    private static int[] maxPoolWinner(Tensor xi, int i, int j, int ch, int sh, int sw) {
        int h = xi.dim(0), wd = xi.dim(1);
        float best = Float.NEGATIVE_INFINITY;
        int[] at = null;
        for (int di = 0; di < 3; di++) {
            for (int dj = 0; dj < 3; dj++) {
                int r = i * sh - 1 + di, q = j * sw - 1 + dj;
                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                float v = xi.get(r, q, ch);
                if (at == null || v > best || Float.isNaN(v)) {
                    at = new int[] {r, q};
                    best = v;
                }
            }
        }
        return at;
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

    /** Mean-over-tokens backward: dx [B, N, C] = dy [B, C] / N (dx overwritten). */
    public static void meanTokensBackward(Tensor dy, Tensor dx) {
        int bsz = dx.dim(0), n = dx.dim(1), c = dx.dim(2);
        for (int b = 0; b < bsz; b++) {
            for (int t = 0; t < n; t++) {
                for (int ch = 0; ch < c; ch++) dx.set((float) ((double) dy.get(b, ch) / n), b, t, ch);
            }
        }
    }

    /** erf to double precision: Maclaurin series for |x| < 2.5, the erfc continued fraction beyond. */
    public static double erf(double x) {
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
            r = 1 - erfcContinuedFraction(ax);
        }
        return x < 0 ? -r : r;
    }

    /** erfc = 1 - erf to double precision, keeping its relative precision in the far tail (x >= 2.5). */
    public static double erfc(double x) {
        return x < 2.5 ? 1 - erf(x) : erfcContinuedFraction(x);
    }

    /** erfc(x) for x >= 2.5 by its continued fraction (modified Lentz). */
    private static double erfcContinuedFraction(double x) {
        if (x == Double.POSITIVE_INFINITY) return 0;
        double tiny = 1e-300, f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++) {
            double an = n / 2.0;
            d = x + an * d;
            d = d == 0 ? tiny : d;
            c = x + an / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
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
