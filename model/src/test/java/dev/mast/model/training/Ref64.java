package dev.mast.model.training;

import dev.mast.engine.kernel.Im2Col;
import dev.mast.engine.kernel.ReferenceKernels;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.AstModel;
import dev.mast.model.MastModel;
import dev.mast.model.layer.ClassifierHead;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.Linear;
import dev.mast.model.layer.Mlp;
import dev.mast.model.layer.MultiScaleBlock;
import dev.mast.model.layer.Norm;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.PatchEmbed;
import dev.mast.model.layer.PoolingAttention;
import dev.mast.model.layer.RelativePosition;
import dev.mast.model.layer.VitBlock;

import java.util.Arrays;
import java.util.Map;

/**
 * Float64 forward passes of the MAST and AST layers, written from the spec's formulas as plain loops over C-order
 * arrays: the function whose finite differences the gradient tests take. Parameter values come from a map that the
 * tests perturb; structure (shapes, strides, heads) from the layer objects. Only the rel-pos index tables are taken
 * from the production code ({@link RelativePosition.Axis#index()}), which RelativePositionTest checks against
 * PyTorch's.
 */
final class Ref64 {
    private Ref64() {}

    /** Parameter values in float64, keyed by the layer's own Parameter objects. */
    static final class Params {
        final Map<Parameter, double[]> values;

        Params(Map<Parameter, double[]> values) {
            this.values = values;
        }

        double[] of(Parameter p) {
            double[] v = values.get(p);
            if (v == null) throw new IllegalArgumentException("no float64 value for " + p.name());
            return v;
        }
    }

    /** y [rows, out] = x [rows, in]·Wᵀ + b. */
    static double[] linear(Params p, Linear l, double[] x, int rows) {
        int in = l.inFeatures(), out = l.outFeatures();
        double[] w = p.of(l.weight()), b = l.bias() == null ? null : p.of(l.bias());
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * out + o] = s;
            }
        }
        return y;
    }

    /** LayerNorm over the last axis of x [rows, c] (biased variance). */
    static double[] layerNorm(Params p, Norm n, double[] x, int c) {
        double[] g = p.of(n.gamma()), b = p.of(n.beta());
        int rows = x.length / c;
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) mean += x[r * c + j];
            mean /= c;
            for (int j = 0; j < c; j++) var += (x[r * c + j] - mean) * (x[r * c + j] - mean);
            double rstd = 1 / Math.sqrt(var / c + n.eps());
            for (int j = 0; j < c; j++) y[r * c + j] = (x[r * c + j] - mean) * rstd * g[j] + b[j];
        }
        return y;
    }

    static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i] + b[i];
        return y;
    }

    /** mlp.fc2(gelu(mlp.fc1(x))) for x [rows, in]. */
    static double[] mlp(Params p, Mlp m, double[] x, int rows) {
        double[] h = linear(p, m.fc1(), x, rows);
        for (int i = 0; i < h.length; i++) h[i] = ReferenceKernels.gelu(h[i]);
        return linear(p, m.fc2(), h, rows);
    }

    /** Depthwise 3×3, padding 1, on images [n, H, W, C] with weight [C, 1, 3, 3]: [n, Ho, Wo, C]. */
    static double[] depthwise(double[] x, int n, int h, int w, int c, double[] wt, int sh, int sw) {
        int ho = (h - 1) / sh + 1, wo = (w - 1) / sw + 1;
        double[] y = new double[n * ho * wo * c];
        for (int img = 0; img < n; img++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        for (int a = 0; a < 3; a++) {
                            int r = i * sh - 1 + a;
                            if (r < 0 || r >= h) continue;
                            for (int b = 0; b < 3; b++) {
                                int q = j * sw - 1 + b;
                                if (q < 0 || q >= w) continue;
                                s += x[((img * h + r) * w + q) * c + ch] * wt[ch * 9 + a * 3 + b];
                            }
                        }
                        y[((img * ho + i) * wo + j) * c + ch] = s;
                    }
                }
            }
        }
        return y;
    }

    /** 3×3 max-pool, padding 1 (never wins), on images [n, H, W, C]. */
    static double[] maxPool(double[] x, int n, int h, int w, int c, int sh, int sw) {
        int ho = (h - 1) / sh + 1, wo = (w - 1) / sw + 1;
        double[] y = new double[n * ho * wo * c];
        for (int img = 0; img < n; img++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int a = 0; a < 3; a++) {
                            int r = i * sh - 1 + a;
                            if (r < 0 || r >= h) continue;
                            for (int b = 0; b < 3; b++) {
                                int q = j * sw - 1 + b;
                                if (q >= 0 && q < w) m = Math.max(m, x[((img * h + r) * w + q) * c + ch]);
                            }
                        }
                        y[((img * ho + i) * wo + j) * c + ch] = m;
                    }
                }
            }
        }
        return y;
    }

    /** The patch stem: image [B, H, W] (row-major) with kernels [C, 1, kh, kw] and bias to [B, Ho, Wo, C]. */
    static double[] conv(double[] img, int batch, int h, int w, double[] wt, double[] bias, Im2Col.Geometry g) {
        int c = bias.length, ho = g.outputHeight(h), wo = g.outputWidth(w);
        double[] y = new double[batch * ho * wo * c];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = bias[ch];
                        for (int a = 0; a < g.kernelH(); a++) {
                            int r = i * g.strideH() - g.padH() + a;
                            if (r < 0 || r >= h) continue;
                            for (int k = 0; k < g.kernelW(); k++) {
                                int q = j * g.strideW() - g.padW() + k;
                                if (q < 0 || q >= w) continue;
                                s += img[(b * h + r) * w + q] * wt[(ch * g.kernelH() + a) * g.kernelW() + k];
                            }
                        }
                        y[((b * ho + i) * wo + j) * c + ch] = s;
                    }
                }
            }
        }
        return y;
    }

    /** Mean over tokens: x [B, N, C] to [B, C]. */
    static double[] meanTokens(double[] x, int batch, int n, int c) {
        double[] y = new double[batch * c];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < c; j++) y[b * c + j] += x[(b * n + t) * c + j] / n;
            }
        }
        return y;
    }

    /**
     * PyTorch {@code F.interpolate(mode="linear", align_corners=False)} along the rows of src [L, C] to [L', C]:
     * output row o samples max(0, (L/L')·(o + 0.5) − 0.5).
     */
    static double[] resample(double[] src, int l, int c, int l2) {
        double[] out = new double[l2 * c];
        for (int o = 0; o < l2; o++) {
            double real = Math.max(0, (double) l / l2 * (o + 0.5) - 0.5);
            int i0 = (int) real, i1 = Math.min(i0 + 1, l - 1);
            double w1 = real - i0, w0 = 1 - w1;
            for (int j = 0; j < c; j++) out[o * c + j] = w0 * src[i0 * c + j] + w1 * src[i1 * c + j];
        }
        return out;
    }

    /** The table an axis reads (resampled to 2·max(q, k) − 1 rows when the indices overflow it) and its indices. */
    private static double[] axisTable(Params p, Parameter table, int[] idx, int qn, int kn) {
        double[] t = p.of(table);
        int rows = table.value().dim(0), hd = table.value().dim(1);
        int max = 0;
        for (int v : idx) max = Math.max(max, v);
        return max < rows ? t : resample(t, rows, hd, RelativePosition.freshRows(qn, kn));
    }

    /**
     * MViTv2 pooling attention on x̂ [B, H·W, d_in] (grid g): [B, Hq·Wq, a]. Spec §2.5: qkv, per-part depthwise
     * pooling shared by the heads and LayerNorm over hd, scores hd^−½·q·kᵀ plus the decomposed rel-pos terms of the
     * unscaled q, softmax, P·v + q, proj.
     */
    static double[] poolingAttention(Params p, PoolingAttention at, double[] xhat, int batch, Grid g) {
        int heads = at.heads(), hd = at.headDim(), a = heads * hd, n = g.tokens();
        double[] qkv = linear(p, at.qkv(), xhat, batch * n);
        Grid gq = g.pooled(at.strideQ(), at.strideQ()), gk = g.pooled(at.strideKvH(), at.strideKvW());
        int[] strideH = {at.strideQ(), at.strideKvH(), at.strideKvH()};
        int[] strideW = {at.strideQ(), at.strideKvW(), at.strideKvW()};
        double[][] parts = new double[3][];
        for (int part = 0; part < 3; part++) {
            Grid out = part == 0 ? gq : gk;
            // images [B·heads, H, W, hd] of this part
            double[] img = new double[batch * heads * n * hd];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < n; t++) {
                    for (int hh = 0; hh < heads; hh++) {
                        for (int c = 0; c < hd; c++) {
                            img[((b * heads + hh) * n + t) * hd + c] = qkv[(b * n + t) * 3 * a + part * a + hh * hd + c];
                        }
                    }
                }
            }
            double[] pooled = depthwise(img, batch * heads, g.h(), g.w(), hd, p.of(at.poolWeight(part)),
                    strideH[part], strideW[part]);
            parts[part] = layerNorm(p, at.poolNorm(part), pooled, hd); // [B, heads, N', hd]
            assert pooled.length == batch * heads * out.tokens() * hd;
        }
        double[] q = parts[0], k = parts[1], v = parts[2];
        int nq = gq.tokens(), nk = gk.tokens();
        RelativePosition rp = at.relativePosition();
        int[] idxH, idxW;
        try (Workspace ws = new Workspace()) {
            idxH = rp.axisH(gq.h(), gk.h(), ws).index();
            idxW = rp.axisW(gq.w(), gk.w(), ws).index();
        }
        double[] th = axisTable(p, rp.tableH(), idxH, gq.h(), gk.h());
        double[] tw = axisTable(p, rp.tableW(), idxW, gq.w(), gk.w());
        double scale = at.scale();
        double[] z = new double[batch * nq * a]; // [B, Nq, heads, hd]
        double[] s = new double[nk];
        for (int b = 0; b < batch; b++) {
            for (int hh = 0; hh < heads; hh++) {
                int base = (b * heads + hh);
                for (int i = 0; i < nq; i++) {
                    int qi = i / gq.w(), qj = i % gq.w();
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < nk; j++) {
                        int ki = j / gk.w(), kj = j % gk.w();
                        double dot = 0, relH = 0, relW = 0;
                        for (int c = 0; c < hd; c++) {
                            double qc = q[(base * nq + i) * hd + c];
                            dot += qc * k[(base * nk + j) * hd + c];
                            relH += qc * th[idxH[qi * gk.h() + ki] * hd + c];
                            relW += qc * tw[idxW[qj * gk.w() + kj] * hd + c];
                        }
                        s[j] = scale * dot + relH + relW;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < nk; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < hd; c++) {
                        double o = q[(base * nq + i) * hd + c];
                        for (int j = 0; j < nk; j++) o += s[j] / sum * v[(base * nk + j) * hd + c];
                        z[(b * nq + i) * a + hh * hd + c] = o;
                    }
                }
            }
        }
        return linear(p, at.proj(), z, batch * nq);
    }

    /**
     * One MViTv2 block (spec §2.4) on x [B, H·W, d_in]; {@code keepAttn} and {@code keepMlp} are the per-sample
     * drop-path scales of the two branches (null: 1).
     */
    static double[] multiScaleBlock(Params p, MultiScaleBlock blk, double[] x, int batch, Grid g, double[] keepAttn,
                                    double[] keepMlp) {
        int n = g.tokens(), dIn = blk.dimIn(), dA = blk.dimAttn(), dOut = blk.dimOut();
        Grid gq = blk.outputGrid(g);
        double[] xhat = layerNorm(p, blk.norm1(), x, dIn);
        double[] sc = blk.shortcutProjAttn() == null ? x : linear(p, blk.shortcutProjAttn(), xhat, batch * n);
        if (blk.strideQ() > 1) sc = maxPool(sc, batch, g.h(), g.w(), dA, blk.strideQ(), blk.strideQ());
        double[] xa = add(sc, scaled(poolingAttention(p, blk.attention(), xhat, batch, g), keepAttn));
        double[] xhat2 = layerNorm(p, blk.norm2(), xa, dA);
        double[] sc2 = blk.shortcutProjMlp() == null ? xa : linear(p, blk.shortcutProjMlp(), xhat2, batch * gq.tokens());
        double[] y = add(sc2, scaled(mlp(p, blk.mlp(), xhat2, batch * gq.tokens()), keepMlp));
        assert y.length == batch * gq.tokens() * dOut;
        return y;
    }

    /** One pre-norm ViT block of AST on x [B, N, D]. */
    static double[] vitBlock(Params p, VitBlock blk, double[] x, int batch, int n, double[] keepAttn,
                             double[] keepMlp) {
        int d = x.length / (batch * n), heads = blk.heads(), hd = d / heads;
        double[] xhat = layerNorm(p, blk.norm1(), x, d);
        double[] qkv = linear(p, blk.qkv(), xhat, batch * n);
        double[] z = new double[batch * n * d];
        double[] s = new double[n];
        double scale = blk.scale();
        for (int b = 0; b < batch; b++) {
            for (int hh = 0; hh < heads; hh++) {
                for (int i = 0; i < n; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int c = 0; c < hd; c++) {
                            dot += qkv[(b * n + i) * 3 * d + hh * hd + c] * qkv[(b * n + j) * 3 * d + d + hh * hd + c];
                        }
                        s[j] = scale * dot;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < hd; c++) {
                        double o = 0;
                        for (int j = 0; j < n; j++) o += s[j] / sum * qkv[(b * n + j) * 3 * d + 2 * d + hh * hd + c];
                        z[(b * n + i) * d + hh * hd + c] = o;
                    }
                }
            }
        }
        double[] xa = add(x, scaled(linear(p, blk.proj(), z, batch * n), keepAttn));
        double[] xhat2 = layerNorm(p, blk.norm2(), xa, d);
        return add(xa, scaled(mlp(p, blk.mlp(), xhat2, batch * n), keepMlp));
    }

    /** (B, T, F) to the row-major image (B, F, T): height = frequency. */
    static double[] image(double[] x, int batch, int frames, int bins) {
        double[] img = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < frames; t++) {
                for (int f = 0; f < bins; f++) img[(b * bins + f) * frames + t] = x[(b * frames + t) * bins + f];
            }
        }
        return img;
    }

    private static double[] stem(Params p, PatchEmbed pe, double[] x, int batch, int frames, int bins) {
        return conv(image(x, batch, frames, bins), batch, bins, frames, p.of(pe.weight()), p.of(pe.bias()),
                pe.geometry());
    }

    private static double[] head(Params p, ClassifierHead h, double[] embedding, int batch) {
        return linear(p, h.linear(), layerNorm(p, h.norm(), embedding, embedding.length / batch), batch);
    }

    /** MAST logits [B, K] for input [B, T, F] (spec §2): stem, blocks, mean over tokens, head. */
    static double[] mast(Params p, MastModel m, double[] x, int batch, int frames, int bins) {
        PatchEmbed pe = m.patchEmbed();
        Grid g = pe.grid(bins, frames);
        double[] t = stem(p, pe, x, batch, frames, bins);
        for (MultiScaleBlock blk : m.blocks()) {
            t = multiScaleBlock(p, blk, t, batch, g, null, null);
            g = blk.outputGrid(g);
        }
        int d = t.length / (batch * g.tokens());
        return head(p, m.head(), meanTokens(t, batch, g.tokens(), d), batch);
    }

    /**
     * AST logits [B, K] for input [B, T, F] (spec §7): stem, [cls, dist, patches] + the position embedding adapted
     * to the grid (per axis, time first: centre crop when shorter, linear resampling when longer), ViT blocks, final
     * LayerNorm, mean of the two special tokens, head.
     */
    static double[] ast(Params p, AstModel m, double[] x, int batch, int frames, int bins) {
        PatchEmbed pe = m.patchEmbed();
        Grid g = pe.grid(bins, frames), g0 = m.positionEmbedding().trainedGrid();
        int n = g.tokens(), d = pe.channels();
        double[] patches = stem(p, pe, x, batch, frames, bins);
        double[] pos = p.of(m.positionEmbedding().parameter());
        double[] grid0 = Arrays.copyOfRange(pos, 2 * d, pos.length); // [f0, t0, D]
        double[] timeAdapted = new double[g0.h() * g.w() * d];
        for (int f = 0; f < g0.h(); f++) {
            double[] row = adapt(Arrays.copyOfRange(grid0, f * g0.w() * d, (f + 1) * g0.w() * d), g0.w(), d,
                    g.w());
            System.arraycopy(row, 0, timeAdapted, f * g.w() * d, row.length);
        }
        double[] adapted = adapt(timeAdapted, g0.h(), g.w() * d, g.h());
        double[] cls = p.of(m.clsToken()), dist = p.of(m.distToken());
        double[] tok = new double[batch * (n + 2) * d];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < d; j++) {
                tok[(b * (n + 2)) * d + j] = cls[j] + pos[j];
                tok[(b * (n + 2) + 1) * d + j] = dist[j] + pos[d + j];
                for (int t = 0; t < n; t++) {
                    tok[(b * (n + 2) + 2 + t) * d + j] = patches[(b * n + t) * d + j] + adapted[t * d + j];
                }
            }
        }
        for (VitBlock blk : m.blocks()) tok = vitBlock(p, blk, tok, batch, n + 2, null, null);
        double[] special = new double[batch * 2 * d];
        for (int b = 0; b < batch; b++) System.arraycopy(tok, b * (n + 2) * d, special, b * 2 * d, 2 * d);
        return head(p, m.head(), meanTokens(layerNorm(p, m.norm(), special, d), batch, 2, d), batch);
    }

    /** Rows of src [L, C] to [L', C]: the centre L' rows when L' <= L, else linear resampling. */
    private static double[] adapt(double[] src, int l, int c, int l2) {
        if (l2 > l) return resample(src, l, c, l2);
        int start = l / 2 - l2 / 2;
        return Arrays.copyOfRange(src, start * c, (start + l2) * c);
    }

    /** x [B, ...] with sample b multiplied by keep[b] (keep null: x itself). */
    static double[] scaled(double[] x, double[] keep) {
        if (keep == null) return x;
        int per = x.length / keep.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * keep[i / per];
        return y;
    }
}
