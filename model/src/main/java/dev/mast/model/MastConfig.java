package dev.mast.model;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MAST architecture (spec §2): timm's MViTv2 with a one-channel patch stem, no class token, no absolute position
 * embedding, mean over the last stage's tokens and a LayerNorm + Linear head.
 *
 * <p>JSON fields (those of the reference fixtures): {@code depths}, {@code embed_dim}, {@code num_heads} (per stage;
 * a single number doubles per stage as in timm), {@code num_classes} (required), and with MViTv2/MAST defaults:
 * {@code patch_kernel} [16, 16], {@code patch_stride} [10, 10], {@code patch_padding} [0, 0] (the LAPE stem; MViTv2's
 * own is 7/4/3), {@code stride_q} [[1,1],[2,2],[2,2],[2,2]], {@code stride_kv} (or {@code stride_kv_adaptive}
 * [4, 4], divided by each stage's Q stride), {@code kernel_qkv} [3, 3], {@code mlp_ratio} 4, {@code qkv_bias} true,
 * {@code norm_eps} 1e-6, {@code head_norm_eps} 1e-5, {@code input_fdim} 128, {@code input_tdim} 1024, and
 * {@code expand_attn} (true: width grows in attention, tiny/small/base; false: in the MLP, large; default true
 * unless {@code variant} is "large"). Unknown fields are ignored (the fixtures carry a few informational ones).
 *
 * <p>Supported geometry: 3×3 pooling kernels and Q strides of (1, 1) or (2, 2), which is every MViTv2 size; the
 * skip max-pool of timm has kernel stride+1, so other strides would need another pooling kernel.
 */
public final class MastConfig implements ModelConfig {
    /** One block's derived shape (spec §2.8). */
    public record BlockSpec(int stage, int index, int dimIn, int dimAttn, int dimOut, int heads, int strideQ,
                            int strideKvH, int strideKvW, boolean projAttn, boolean projMlp, int mlpHidden) {
        public int headDim() {
            return dimAttn / heads;
        }

        /** "stages.S.blocks.B." */
        public String prefix() {
            return "stages." + stage + ".blocks." + index + ".";
        }
    }

    private final String variant;
    private final int[] depths, embedDim, numHeads;
    private final int[][] strideQ, strideKv;
    private final int[] patchKernel, patchStride, patchPadding;
    private final double mlpRatio;
    private final boolean qkvBias, expandAttn;
    private final double normEps, headNormEps;
    private final int numClasses, inputFdim, inputTdim;
    private final List<BlockSpec> blocks;

    private MastConfig(String variant, int[] depths, int[] embedDim, int[] numHeads, int[][] strideQ,
                       int[][] strideKv, int[] patchKernel, int[] patchStride, int[] patchPadding, double mlpRatio,
                       boolean qkvBias, boolean expandAttn, double normEps, double headNormEps, int numClasses,
                       int inputFdim, int inputTdim) {
        this.variant = variant;
        this.depths = depths.clone();
        this.embedDim = embedDim.clone();
        this.numHeads = numHeads.clone();
        this.strideQ = deepClone(strideQ);
        this.strideKv = deepClone(strideKv);
        this.patchKernel = patchKernel.clone();
        this.patchStride = patchStride.clone();
        this.patchPadding = patchPadding.clone();
        this.mlpRatio = mlpRatio;
        this.qkvBias = qkvBias;
        this.expandAttn = expandAttn;
        this.normEps = normEps;
        this.headNormEps = headNormEps;
        this.numClasses = numClasses;
        this.inputFdim = inputFdim;
        this.inputTdim = inputTdim;
        validate();
        this.blocks = Collections.unmodifiableList(deriveBlocks());
    }

    // ---- presets --------------------------------------------------------------------------------------------

    private static final int[][] STRIDE_Q = {{1, 1}, {2, 2}, {2, 2}, {2, 2}};
    private static final int[][] STRIDE_KV = {{4, 4}, {2, 2}, {1, 1}, {1, 1}};

    /**
     * A named size: "tiny", "small", "base", "large" (spec §2.2; LAPE's 16×16/10 stem, 527 classes, 1024 frames) or
     * "micro" / "micro16" (the fixtures' test sizes: widths 32..256, 35 classes, 128 frames; micro has MViTv2's
     * 7×7/4/3 stem, micro16 the LAPE stem).
     */
    public static MastConfig preset(String name) {
        int[] lape = {16, 10, 0};
        return switch (name) {
            case "tiny" -> sized(name, new int[] {1, 2, 5, 2}, 96, 1, true, lape, 527, 1024);
            case "small" -> sized(name, new int[] {1, 2, 11, 2}, 96, 1, true, lape, 527, 1024);
            case "base" -> sized(name, new int[] {2, 3, 16, 3}, 96, 1, true, lape, 527, 1024);
            case "large" -> sized(name, new int[] {2, 6, 36, 4}, 144, 2, false, lape, 527, 1024);
            case "micro" -> sized(name, new int[] {1, 1, 1, 1}, 32, 1, true, new int[] {7, 4, 3}, 35, 128);
            case "micro16" -> sized(name, new int[] {1, 1, 1, 1}, 32, 1, true, lape, 35, 128);
            default -> throw new IllegalArgumentException("unknown MAST size '" + name
                    + "' (expected tiny, small, base, large, micro or micro16)");
        };
    }

    private static MastConfig sized(String name, int[] depths, int dim0, int heads0, boolean expandAttn, int[] stem,
                                    int classes, int tdim) {
        int[] dims = new int[4], heads = new int[4];
        for (int i = 0; i < 4; i++) {
            dims[i] = dim0 << i;
            heads[i] = heads0 << i;
        }
        return new MastConfig(name, depths, dims, heads, STRIDE_Q, STRIDE_KV, new int[] {stem[0], stem[0]},
                new int[] {stem[1], stem[1]}, new int[] {stem[2], stem[2]}, 4.0, true, expandAttn, 1e-6, 1e-5,
                classes, 128, tdim);
    }

    /** This config with a square stem of {@code kernel} (7: MViTv2's 7×7/4/3; 16: LAPE's 16×16/10/0). */
    public MastConfig withStem(int kernel) {
        return switch (kernel) {
            case 7 -> withPatch(new int[] {7, 7}, new int[] {4, 4}, new int[] {3, 3});
            case 16 -> withPatch(new int[] {16, 16}, new int[] {10, 10}, new int[] {0, 0});
            default -> throw new IllegalArgumentException("stem " + kernel + " (expected 7 or 16)");
        };
    }

    /** This config with another patch stem. */
    public MastConfig withPatch(int[] kernel, int[] stride, int[] padding) {
        return new MastConfig(variant, depths, embedDim, numHeads, strideQ, strideKv, kernel, stride, padding,
                mlpRatio, qkvBias, expandAttn, normEps, headNormEps, numClasses, inputFdim, inputTdim);
    }

    @Override
    public MastConfig withNumClasses(int classes) {
        return new MastConfig(variant, depths, embedDim, numHeads, strideQ, strideKv, patchKernel, patchStride,
                patchPadding, mlpRatio, qkvBias, expandAttn, normEps, headNormEps, classes, inputFdim, inputTdim);
    }

    /**
     * This config built for inputs of {@code fdim} mel bins × {@code frames} (sizes fresh rel-pos tables; imported
     * tables keep theirs).
     */
    public MastConfig withInputSize(int fdim, int frames) {
        return new MastConfig(variant, depths, embedDim, numHeads, strideQ, strideKv, patchKernel, patchStride,
                patchPadding, mlpRatio, qkvBias, expandAttn, normEps, headNormEps, numClasses, fdim, frames);
    }

    /** This config with other depths per stage (e.g. a shallow copy of a size for tests). */
    public MastConfig withDepths(int... stageDepths) {
        return new MastConfig(variant, stageDepths, embedDim, numHeads, strideQ, strideKv, patchKernel, patchStride,
                patchPadding, mlpRatio, qkvBias, expandAttn, normEps, headNormEps, numClasses, inputFdim, inputTdim);
    }

    // ---- JSON -----------------------------------------------------------------------------------------------

    /** Reads the fields listed in the class comment; errors name the field. */
    public static MastConfig fromJson(JsonFields f) {
        int[] depths = f.intArray("depths", 1, 1000);
        int stages = depths.length;
        if (stages == 0) throw new JsonException(f.path() + ".depths: needs at least one stage");
        int[] dims = perStage(f, "embed_dim", stages);
        int[] heads = perStage(f, "num_heads", stages);
        int[][] strideQ = f.has("stride_q") ? f.intMatrix("stride_q", 1, 64) : defaultStrideQ(stages);
        int[][] strideKv;
        if (f.has("stride_kv")) {
            strideKv = f.intMatrix("stride_kv", 1, 64);
        } else {
            int[] adaptive = f.has("stride_kv_adaptive") ? f.intArray("stride_kv_adaptive", 1, 64) : new int[] {4, 4};
            strideKv = adaptiveKv(adaptive, strideQ, f.path());
        }
        int[] kernelQkv = f.has("kernel_qkv") ? f.intArray("kernel_qkv", 1, 64) : new int[] {3, 3};
        if (!Arrays.equals(kernelQkv, new int[] {3, 3})) {
            throw new JsonException(f.path() + ".kernel_qkv: only [3, 3] pooling kernels are supported, got "
                    + Arrays.toString(kernelQkv));
        }
        String variant = f.string("variant", "custom");
        return new MastConfig(variant, depths, dims, heads, strideQ, strideKv,
                pair(f, "patch_kernel", 16, 1), pair(f, "patch_stride", 10, 1), pair(f, "patch_padding", 0, 0),
                f.number("mlp_ratio", 4.0), f.bool("qkv_bias", true),
                f.bool("expand_attn", !variant.equals("large")),
                f.number("norm_eps", 1e-6), f.number("head_norm_eps", 1e-5),
                (int) f.integer("num_classes", 0, 1 << 20), f.integer("input_fdim", 1, 1 << 16, 128),
                f.integer("input_tdim", 1, 1 << 24, 1024));
    }

    private static int[] perStage(JsonFields f, String key, int stages) {
        if (f.raw(key) instanceof Number) {
            int base = (int) f.integer(key, 1, 1 << 16);
            int[] out = new int[stages];
            for (int i = 0; i < stages; i++) out[i] = base << i;
            return out;
        }
        int[] v = f.intArray(key, 1, 1 << 16);
        if (v.length != stages) {
            throw new JsonException(f.path() + "." + key + ": " + v.length + " values for " + stages + " stages");
        }
        return v;
    }

    private static int[] pair(JsonFields f, String key, int fallback, int min) {
        if (!f.has(key)) return new int[] {fallback, fallback};
        int[] v = f.intArray(key, min, 1024);
        if (v.length != 2) throw new JsonException(f.path() + "." + key + ": expected [height, width]");
        return v;
    }

    private static int[][] defaultStrideQ(int stages) {
        int[][] s = new int[stages][];
        for (int i = 0; i < stages; i++) s[i] = i == 0 ? new int[] {1, 1} : new int[] {2, 2};
        return s;
    }

    /** timm's adaptive K/V stride: divide the running stride by each down-sampling stage's Q stride, floor 1. */
    private static int[][] adaptiveKv(int[] start, int[][] strideQ, String path) {
        if (start.length != 2) throw new JsonException(path + ".stride_kv_adaptive: expected [height, width]");
        int[] cur = start.clone();
        int[][] out = new int[strideQ.length][];
        for (int i = 0; i < strideQ.length; i++) {
            if (strideQ[i].length == 2 && Math.min(strideQ[i][0], strideQ[i][1]) > 1) {
                for (int d = 0; d < 2; d++) cur[d] = Math.max(cur[d] / strideQ[i][d], 1);
            }
            out[i] = cur.clone();
        }
        return out;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "mast");
        m.put("variant", variant);
        m.put("depths", depths.clone());
        m.put("embed_dim", embedDim.clone());
        m.put("num_heads", numHeads.clone());
        m.put("patch_kernel", patchKernel.clone());
        m.put("patch_stride", patchStride.clone());
        m.put("patch_padding", patchPadding.clone());
        m.put("stride_q", List.of((Object[]) deepClone(strideQ)));
        m.put("stride_kv", List.of((Object[]) deepClone(strideKv)));
        m.put("kernel_qkv", new int[] {3, 3});
        m.put("mlp_ratio", mlpRatio);
        m.put("qkv_bias", qkvBias);
        m.put("expand_attn", expandAttn);
        m.put("norm_eps", normEps);
        m.put("head_norm_eps", headNormEps);
        m.put("num_classes", numClasses);
        m.put("input_fdim", inputFdim);
        m.put("input_tdim", inputTdim);
        return m;
    }

    // ---- validation and derived structure -------------------------------------------------------------------

    private void validate() {
        int stages = depths.length;
        if (embedDim.length != stages || numHeads.length != stages || strideQ.length != stages
                || strideKv.length != stages) {
            throw new JsonException("config: depths, embed_dim, num_heads, stride_q and stride_kv need one entry"
                    + " per stage (" + stages + ")");
        }
        for (int i = 0; i < stages; i++) {
            if (strideQ[i].length != 2 || strideKv[i].length != 2) {
                throw new JsonException("config: stage " + i + " strides must be [height, width] pairs");
            }
            if (strideQ[i][0] != strideQ[i][1] || strideQ[i][0] > 2) {
                throw new JsonException("config.stride_q[" + i + "]: " + Arrays.toString(strideQ[i])
                        + " is not supported (only [1, 1] or [2, 2])");
            }
        }
        for (int[] p : new int[][] {patchKernel, patchStride, patchPadding}) {
            if (p.length != 2) throw new JsonException("config: patch_kernel/stride/padding must be [height, width]");
        }
        if (!(mlpRatio > 0) || !(normEps > 0) || !(headNormEps > 0)) {
            throw new JsonException("config: mlp_ratio, norm_eps and head_norm_eps must be positive");
        }
        if (numClasses < 0) throw new JsonException("config.num_classes: must be >= 0");
        if (inputFdim + 2 * patchPadding[0] < patchKernel[0]) {
            throw new JsonException("config: input_fdim " + inputFdim + " is smaller than the patch kernel");
        }
    }

    /** timm's stage/block layout (MultiScaleVit and MultiScaleVitStage). */
    private List<BlockSpec> deriveBlocks() {
        List<BlockSpec> out = new ArrayList<>();
        int dim = embedDim[0];
        int last = depths.length - 1;
        for (int s = 0; s < depths.length; s++) {
            int stageOut = expandAttn ? embedDim[s] : embedDim[Math.min(s + 1, last)];
            for (int b = 0; b < depths[s]; b++) {
                int dimOut = expandAttn || b == depths[s] - 1 ? stageOut : dim;
                int attn = expandAttn ? dimOut : dim;
                int heads = numHeads[s];
                if (attn % heads != 0) {
                    throw new JsonException("config: stage " + s + " attention width " + attn
                            + " is not divisible by " + heads + " heads");
                }
                boolean proj = dim != dimOut;
                out.add(new BlockSpec(s, b, dim, attn, dimOut, heads, b == 0 ? strideQ[s][0] : 1, strideKv[s][0],
                        strideKv[s][1], proj && expandAttn, proj && !expandAttn, (int) (attn * mlpRatio)));
                dim = dimOut;
            }
        }
        return out;
    }

    private static int[][] deepClone(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    // ---- accessors ------------------------------------------------------------------------------------------

    @Override
    public String architecture() {
        return "mast";
    }

    /** The preset name ("tiny", ..., "micro16") or "custom". */
    public String variant() {
        return variant;
    }

    public int stages() {
        return depths.length;
    }

    public int[] depths() {
        return depths.clone();
    }

    public int[] embedDim() {
        return embedDim.clone();
    }

    public int[] numHeads() {
        return numHeads.clone();
    }

    public int[] patchKernel() {
        return patchKernel.clone();
    }

    public int[] patchStride() {
        return patchStride.clone();
    }

    public int[] patchPadding() {
        return patchPadding.clone();
    }

    public boolean qkvBias() {
        return qkvBias;
    }

    public boolean expandAttn() {
        return expandAttn;
    }

    public double normEps() {
        return normEps;
    }

    public double headNormEps() {
        return headNormEps;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int inputFdim() {
        return inputFdim;
    }

    @Override
    public int inputTdim() {
        return inputTdim;
    }

    /** Every block in order, with its derived widths and strides. */
    public List<BlockSpec> blocks() {
        return blocks;
    }

    @Override
    public int embeddingDim() {
        return blocks.getLast().dimOut();
    }

    /** Patch-grid rows for {@code f} mel bins. */
    public int gridHeight(int f) {
        return (f + 2 * patchPadding[0] - patchKernel[0]) / patchStride[0] + 1;
    }

    /** Patch-grid columns for {@code t} frames. */
    public int gridWidth(int t) {
        return (t + 2 * patchPadding[1] - patchKernel[1]) / patchStride[1] + 1;
    }

    /** The fewest frames the stem accepts. */
    public int minFrames() {
        return Math.max(1, patchKernel[1] - 2 * patchPadding[1]);
    }

    /** Equal when every field is (compares the JSON form). */
    @Override
    public boolean equals(Object o) {
        return o instanceof MastConfig c && Json.write(toJson()).equals(Json.write(c.toJson()));
    }

    @Override
    public int hashCode() {
        return Json.write(toJson()).hashCode();
    }

    @Override
    public String toString() {
        return "MAST " + variant + " depths " + Arrays.toString(depths) + " dims " + Arrays.toString(embedDim)
                + " stem " + patchKernel[0] + "x" + patchKernel[1] + "/" + patchStride[0] + "/" + patchPadding[0];
    }
}
