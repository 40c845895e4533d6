package dev.mast.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The matrix products MAST-tiny/small/base issue, derived from the spec (§2.3 patch grid, §2.8 per-block widths,
 * §2.9 token grids). The three sizes have the same layer shapes and differ only in how many blocks repeat them.
 */
public final class MastShapes {
    private MastShapes() {}

    /** Channels per stage for T/S/B (§2.2). */
    private static final int[] WIDTH = {96, 192, 384, 768};

    /** A matrix product [m, k]·[k, n]; {@code layer} says where MAST issues it. */
    public record Gemm(String layer, int m, int k, int n) {
        public String shape() {
            return m + "x" + k + "x" + n;
        }

        public double flops() {
            return 2.0 * m * k * n;
        }
    }

    /** Per-head attention products of one stage: h heads, n_q queries, n_k keys, head width hd (96). */
    public record Attention(String layer, int heads, int queries, int keys, int headWidth) {}

    /** Tokens per stage (§2.3, §2.9): a 12×W0 patch grid, each later stage ceil-halving both axes. */
    public static int[] tokens(int frames, int batch) {
        int h = 12, w = (frames - 16) / 10 + 1;
        int[] n = new int[4];
        for (int s = 0; s < 4; s++) {
            n[s] = batch * h * w;
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        return n;
    }

    /** Key/value grid tokens per stage for blocks after the first (K/V stride 4, 2, 1, 1 on the stage grid, §2.2). */
    public static int[] keyTokens(int frames, int batch) {
        int h = 12, w = (frames - 16) / 10 + 1;
        int[] kvStride = {4, 2, 1, 1};
        int[] n = new int[4];
        for (int s = 0; s < 4; s++) {
            n[s] = batch * ceilDiv(h, kvStride[s]) * ceilDiv(w, kvStride[s]);
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        return n;
    }

    /**
     * Every distinct linear layer of MAST-T/S/B for {@code batch} clips of {@code frames} frames (§2.4, §2.8):
     * QKV d_in→3·d_out and the attention shortcut d_in→d_out on the stage's input tokens in a stage's first block,
     * then output projection, FC1 (×4) and FC2 on the stage's tokens.
     */
    public static List<Gemm> linearLayers(int frames, int batch) {
        int[] n = tokens(frames, batch);
        String at = " T=" + frames + " B=" + batch;
        List<Gemm> layers = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            int d = WIDTH[s];
            if (s > 0) {
                int in = WIDTH[s - 1];
                layers.add(new Gemm("s" + s + ".0 qkv" + at, n[s - 1], in, 3 * d));
                layers.add(new Gemm("s" + s + ".0 proj_attn" + at, n[s - 1], in, d));
            }
            layers.add(new Gemm("s" + s + " qkv" + at, n[s], d, 3 * d));
            layers.add(new Gemm("s" + s + " proj" + at, n[s], d, d));
            layers.add(new Gemm("s" + s + " fc1" + at, n[s], d, 4 * d));
            layers.add(new Gemm("s" + s + " fc2" + at, n[s], 4 * d, d));
        }
        return layers;
    }

    /**
     * The linear-layer shapes benchmarked: stage 0 of a 1.28 s clip (the smallest M, 144), stages 0-1 of a
     * 10.24 s clip, stages 1-3 of a batch of eight 10.24 s clips (where K and N reach 1536-3072), and the two
     * reference shapes of the targets.
     */
    public static final List<Gemm> LINEAR = List.of(
            find(128, 1, "s0 qkv"), find(128, 1, "s0 proj"), find(128, 1, "s0 fc1"), find(128, 1, "s0 fc2"),
            find(1024, 1, "s0 qkv"), find(1024, 1, "s0 fc1"), find(1024, 1, "s0 fc2"), find(1024, 1, "s1.0 qkv"),
            find(1024, 1, "s1 qkv"), find(1024, 1, "s1 fc1"), find(1024, 1, "s1 fc2"),
            find(1024, 8, "s1 fc1"), find(1024, 8, "s1 fc2"),
            find(1024, 8, "s2 qkv"), find(1024, 8, "s2 fc1"), find(1024, 8, "s2 fc2"),
            find(1024, 8, "s3 qkv"), find(1024, 8, "s3 fc1"), find(1024, 8, "s3 fc2"),
            new Gemm("target", 1024, 768, 3072), new Gemm("target", 1024, 3072, 768));

    /** Attention products of a 10.24 s clip in stage 0 (1 head) and in the later blocks of stage 1 (2 heads). */
    public static final List<Attention> ATTENTION = List.of(
            new Attention("s0 T=1024", 1, tokens(1024, 1)[0], keyTokens(1024, 1)[0], 96),
            new Attention("s1 T=1024", 2, tokens(1024, 1)[1], keyTokens(1024, 1)[1], 96));

    private static Gemm find(int frames, int batch, String layer) {
        String label = layer + " T=" + frames + " B=" + batch;
        return linearLayers(frames, batch).stream().filter(g -> g.layer().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer " + label));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
