package dev.mast.model;

import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AST architecture (spec §7): a DeiT-style ViT over 16×16 patches at stride (fstride, tstride), cls + dist tokens,
 * learned position embedding for the grid of {@code input_fdim} × {@code input_tdim}, final LayerNorm, output
 * (token0 + token1)/2, head LayerNorm + Linear.
 *
 * <p>JSON: {@code "architecture": "ast"}, {@code embed_dim}, {@code depth}, {@code num_heads},
 * {@code num_classes} (required), and with defaults {@code patch_kernel} [16, 16], {@code patch_stride} [10, 10],
 * {@code mlp_ratio} 4, {@code qkv_bias} true, {@code norm_eps} 1e-6, {@code head_norm_eps} 1e-5,
 * {@code input_fdim} 128, {@code input_tdim} 1024.
 */
public record AstConfig(String variant, int embedDim, int depth, int numHeads, int patchKernel, int strideF,
                        int strideT, double mlpRatio, boolean qkvBias, double normEps, double headNormEps,
                        int numClasses, int inputFdim, int inputTdim) implements ModelConfig {
    public AstConfig {
        if (embedDim < 1 || depth < 1 || numHeads < 1 || embedDim % numHeads != 0) {
            throw new JsonException("config: AST embed_dim " + embedDim + " must be a positive multiple of num_heads "
                    + numHeads + " and depth >= 1");
        }
        if (patchKernel < 1 || strideF < 1 || strideT < 1 || !(mlpRatio > 0) || !(normEps > 0)
                || !(headNormEps > 0) || numClasses < 0) {
            throw new JsonException("config: bad AST patch, ratio, eps or class count");
        }
        if (inputFdim < patchKernel || inputTdim < patchKernel) {
            throw new JsonException("config: AST input " + inputFdim + "x" + inputTdim + " is smaller than the "
                    + patchKernel + "x" + patchKernel + " patch");
        }
    }

    /** SSAST sizes "tiny" (192/3), "small" (384/6), "base" (768/12), 12 blocks; 527 classes, 1024 frames. */
    public static AstConfig preset(String name) {
        return switch (name) {
            case "tiny" -> sized(name, 192, 3);
            case "small" -> sized(name, 384, 6);
            case "base" -> sized(name, 768, 12);
            default -> throw new IllegalArgumentException("unknown AST size '" + name + "' (tiny, small or base)");
        };
    }

    private static AstConfig sized(String name, int dim, int heads) {
        return new AstConfig(name, dim, 12, heads, 16, 10, 10, 4.0, true, 1e-6, 1e-5, 527, 128, 1024);
    }

    public static AstConfig fromJson(JsonFields f) {
        int[] kernel = pair(f, "patch_kernel", 16);
        if (kernel[0] != kernel[1]) throw new JsonException(f.path() + ".patch_kernel: must be square");
        int[] stride = pair(f, "patch_stride", 10);
        return new AstConfig(f.string("variant", "custom"), (int) f.integer("embed_dim", 1, 1 << 16),
                (int) f.integer("depth", 1, 1000), (int) f.integer("num_heads", 1, 1024), kernel[0], stride[0],
                stride[1], f.number("mlp_ratio", 4.0), f.bool("qkv_bias", true), f.number("norm_eps", 1e-6),
                f.number("head_norm_eps", 1e-5), (int) f.integer("num_classes", 0, 1 << 20),
                f.integer("input_fdim", 1, 1 << 16, 128), f.integer("input_tdim", 1, 1 << 24, 1024));
    }

    private static int[] pair(JsonFields f, String key, int fallback) {
        if (!f.has(key)) return new int[] {fallback, fallback};
        int[] v = f.intArray(key, 1, 1024);
        if (v.length != 2) throw new JsonException(f.path() + "." + key + ": expected [height, width]");
        return v;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "ast");
        m.put("variant", variant);
        m.put("embed_dim", embedDim);
        m.put("depth", depth);
        m.put("num_heads", numHeads);
        m.put("patch_kernel", new int[] {patchKernel, patchKernel});
        m.put("patch_stride", new int[] {strideF, strideT});
        m.put("mlp_ratio", mlpRatio);
        m.put("qkv_bias", qkvBias);
        m.put("norm_eps", normEps);
        m.put("head_norm_eps", headNormEps);
        m.put("num_classes", numClasses);
        m.put("input_fdim", inputFdim);
        m.put("input_tdim", inputTdim);
        return m;
    }

    @Override
    public String architecture() {
        return "ast";
    }

    @Override
    public AstConfig withNumClasses(int classes) {
        return new AstConfig(variant, embedDim, depth, numHeads, patchKernel, strideF, strideT, mlpRatio, qkvBias,
                normEps, headNormEps, classes, inputFdim, inputTdim);
    }

    @Override
    public int embeddingDim() {
        return embedDim;
    }

    public int headDim() {
        return embedDim / numHeads;
    }

    public int mlpHidden() {
        return (int) (embedDim * mlpRatio);
    }

    /** Patch rows for {@code f} mel bins: floor((f - 16)/fstride) + 1. */
    public int gridHeight(int f) {
        return (f - patchKernel) / strideF + 1;
    }

    /** Patch columns for {@code t} frames. */
    public int gridWidth(int t) {
        return (t - patchKernel) / strideT + 1;
    }

    /** Rows of the learned position embedding: the trained grid plus the two special tokens. */
    public int positions() {
        return gridHeight(inputFdim) * gridWidth(inputTdim) + 2;
    }
}
