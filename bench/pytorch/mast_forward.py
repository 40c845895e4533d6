#!/usr/bin/env python3
"""Same-machine baseline for `mast bench forward`: MAST forward latency in PyTorch eager (CPU, float32, no_grad).

MAST written from the spec (/work/shared/spec/MAST.md, sections 2.4-2.6; the same structure as
model/src/test/resources/fixtures/mast_extended/make_mast_extended.py, which reproduces the timm fixtures): patch
stem, MViTv2 blocks with pooling attention (depthwise 3x3 pooling of q/k/v, norm over the head dim, decomposed
relative-position bias, residual pooling), mean over tokens, LayerNorm + Linear head. Random weights of the preset's
shapes, rel-pos tables sized for the benchmarked grid (as ForwardSetup does), so the work is that of the Java runs.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 mast_forward.py --threads 1 [--model tiny]
        [--stem 16] [--frames 128] [--batch 1] [--warmup 5] [--iterations 21]

Prints one line per scenario (all combinations of the --stem/--frames/--batch values given, comma-separated) with
the median, min and max milliseconds. With --weights FILE.safetensors (a model file written by the Java side, e.g.
ModelFile.save of the same preset) and --check LOGITS.npy --input INPUT.npy, it instead loads those weights, runs
the input and prints the largest difference from the given logits: a check that this script computes the same
model.
"""
import argparse, json, math, statistics, struct, time

import numpy as np
import torch
import torch.nn.functional as F

PRESETS = {"tiny": ([1, 2, 5, 2], 96, 1), "small": ([1, 2, 11, 2], 96, 1), "base": ([2, 3, 16, 3], 96, 1)}
STEMS = {16: (16, 10, 0), 7: (7, 4, 3)}
STRIDE_Q = [1, 2, 2, 2]
STRIDE_KV = [4, 2, 1, 1]


def pooled(n, s):
    return (n + 2 - 3) // s + 1


def rel_idx(qn, kn):
    rq, rk = max(kn / qn, 1.0), max(qn / kn, 1.0)
    d = torch.arange(qn).unsqueeze(-1) * rq - torch.arange(kn).unsqueeze(0) * rk
    d += (kn - 1) * rk
    return d.long()


def blocks_of(depths, dim0, heads0):
    """(stage, index, dim_in, dim_out, heads, stride_q, stride_kv) per block: MViTv2 with attention expansion."""
    out, dim_in = [], dim0
    for s, depth in enumerate(depths):
        dim_out, heads = dim0 << s, heads0 << s
        for b in range(depth):
            out.append((s, b, dim_in if b == 0 else dim_out, dim_out, heads, STRIDE_Q[s] if b == 0 else 1,
                        STRIDE_KV[s]))
        dim_in = dim_out
    return out


def random_params(model, stem, frames, classes):
    depths, dim0, heads0 = PRESETS[model]
    k, st, pad = STEMS[stem]
    g = torch.Generator().manual_seed(42)

    def rnd(*shape, scale=0.02):
        return torch.randn(*shape, generator=g) * scale

    p = {"patch_embed.proj.weight": rnd(dim0, 1, k, k), "patch_embed.proj.bias": rnd(dim0)}
    H, W = (128 + 2 * pad - k) // st + 1, (frames + 2 * pad - k) // st + 1
    for s, b, din, dout, heads, sq, skv in blocks_of(depths, dim0, heads0):
        pre, hd = f"stages.{s}.blocks.{b}.", dout // heads
        qh, qw, kh, kw = pooled(H, sq), pooled(W, sq), pooled(H, skv), pooled(W, skv)
        p[pre + "attn.rel_pos_h"] = rnd(2 * max(qh, kh) - 1, hd)
        p[pre + "attn.rel_pos_w"] = rnd(2 * max(qw, kw) - 1, hd)
        for name, (o, i) in {"attn.qkv": (3 * dout, din), "attn.proj": (dout, dout), "mlp.fc1": (4 * dout, dout),
                             "mlp.fc2": (dout, 4 * dout)}.items():
            p[pre + name + ".weight"], p[pre + name + ".bias"] = rnd(o, i), rnd(o)
        if din != dout:
            p[pre + "shortcut_proj_attn.weight"], p[pre + "shortcut_proj_attn.bias"] = rnd(dout, din), rnd(dout)
        for n in ["norm1", "norm2", "attn.norm_q", "attn.norm_k", "attn.norm_v"]:
            c = din if n == "norm1" else (hd if n.startswith("attn.") else dout)
            p[pre + n + ".weight"], p[pre + n + ".bias"] = 1 + rnd(c), rnd(c)
        for n in "qkv":
            p[pre + f"attn.pool_{n}.weight"] = rnd(hd, 1, 3, 3, scale=0.3)
        H, W = qh, qw
    d = dim0 << (len(depths) - 1)
    p["mlp_head.0.weight"], p["mlp_head.0.bias"] = 1 + rnd(d), rnd(d)
    p["mlp_head.1.weight"], p["mlp_head.1.bias"] = rnd(classes, d), rnd(classes)
    return p


def load_safetensors(path):
    with open(path, "rb") as fh:
        n = struct.unpack("<Q", fh.read(8))[0]
        header = json.loads(fh.read(n))
        data = fh.read()
    header.pop("__metadata__", None)
    return {k: torch.from_numpy(np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype="<f4")
                                .copy().reshape(v["shape"])) for k, v in header.items()}


class Mast:
    def __init__(self, p, model, stem):
        self.p, self.blocks = p, blocks_of(*PRESETS[model])
        _, self.stride, self.pad = STEMS[stem]

    def ln(self, x, pre, eps=1e-6):
        return F.layer_norm(x, (x.shape[-1],), self.p[pre + ".weight"], self.p[pre + ".bias"], eps)

    def lin(self, x, pre):
        return F.linear(x, self.p[pre + ".weight"], self.p[pre + ".bias"])

    def table(self, t, qn, kn):
        idx = rel_idx(qn, kn)
        if int(idx.max()) < t.shape[0]:
            return t[idx]
        L = 2 * max(qn, kn) - 1  # extended mode, as the Java side (not reached with fresh tables)
        t = F.interpolate(t.reshape(1, t.shape[0], -1).permute(0, 2, 1), size=L, mode="linear")
        return t.reshape(-1, L).permute(1, 0)[idx]

    def attention(self, pre, x, H, W, heads, sq, skv):
        B, N, _ = x.shape
        a = self.p[pre + "qkv.weight"].shape[0] // 3
        hd = a // heads
        qkv = self.lin(x, pre + "qkv").reshape(B, N, 3, heads, hd).permute(2, 0, 3, 1, 4)

        def pool(t, name, s):
            t = F.conv2d(t.reshape(B * heads, H, W, hd).permute(0, 3, 1, 2), self.p[pre + f"pool_{name}.weight"],
                         stride=s, padding=1, groups=hd)
            h2, w2 = t.shape[2:]
            return self.ln(t.reshape(B, heads, hd, h2 * w2).transpose(2, 3), pre + f"norm_{name}"), h2, w2

        q, qh, qw = pool(qkv[0], "q", sq)
        k, kh, kw = pool(qkv[1], "k", skv)
        v, _, _ = pool(qkv[2], "v", skv)
        att = (q * hd ** -0.5) @ k.transpose(-2, -1)
        rq = q.reshape(B, heads, qh, qw, hd)
        rel_h = torch.einsum("byhwc,hkc->byhwk", rq, self.table(self.p[pre + "rel_pos_h"], qh, kh))
        rel_w = torch.einsum("byhwc,wkc->byhwk", rq, self.table(self.p[pre + "rel_pos_w"], qw, kw))
        att = (att.view(B, heads, qh, qw, kh, kw) + rel_h[..., None] + rel_w[..., None, :]).view(B, heads, qh * qw, -1)
        z = (att.softmax(-1) @ v + q).transpose(1, 2).reshape(B, -1, a)
        return self.lin(z, pre + "proj"), qh, qw

    def block(self, pre, x, H, W, heads, sq, skv):
        B = x.shape[0]
        xn = self.ln(x, pre + "norm1")
        sc = self.lin(xn, pre + "shortcut_proj_attn") if pre + "shortcut_proj_attn.weight" in self.p else x
        if sq > 1:
            c = sc.shape[-1]
            sc = F.max_pool2d(sc.reshape(B, H, W, c).permute(0, 3, 1, 2), 3, sq, 1).flatten(2).transpose(1, 2)
        y, qh, qw = self.attention(pre + "attn.", xn, H, W, heads, sq, skv)
        x = sc + y
        xn = self.ln(x, pre + "norm2")
        h = F.gelu(self.lin(xn, pre + "mlp.fc1"))
        return x + self.lin(h, pre + "mlp.fc2"), qh, qw

    def __call__(self, x):
        img = x.unsqueeze(1).transpose(2, 3)  # [B, 1, F, T]: height = frequency
        t = F.conv2d(img, self.p["patch_embed.proj.weight"], self.p["patch_embed.proj.bias"], stride=self.stride,
                     padding=self.pad)
        H, W = t.shape[2:]
        x = t.flatten(2).transpose(1, 2)
        for s, b, din, dout, heads, sq, skv in self.blocks:
            x, H, W = self.block(f"stages.{s}.blocks.{b}.", x, H, W, heads, sq, (skv, skv))
        return self.lin(self.ln(x.mean(1), "mlp_head.0", 1e-5), "mlp_head.1")


def timed(run, warmup, iterations):
    """Milliseconds of each of `iterations` calls of run(), after `warmup` untimed ones."""
    ms = []
    for i in range(warmup + iterations):
        t0 = time.perf_counter()
        run()
        if i >= warmup:
            ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def summary(ms):
    return f"median {statistics.median(ms):.2f} ms (min {min(ms):.2f}, max {max(ms):.2f}, {len(ms)} runs)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--stem", default="16")
    ap.add_argument("--frames", default="128")
    ap.add_argument("--batch", default="1")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=21)
    ap.add_argument("--weights")
    ap.add_argument("--input")
    ap.add_argument("--check")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.weights:
        p = load_safetensors(args.weights)
        x = torch.from_numpy(np.load(args.input))
        with torch.no_grad():
            got = Mast(p, args.model, int(args.stem))(x).numpy()
        print("max |diff| from", args.check, float(np.abs(got - np.load(args.check)).max()))
        return
    for stem in map(int, args.stem.split(",")):
        for frames in map(int, args.frames.split(",")):
            model = Mast(random_params(args.model, stem, frames, 527), args.model, stem)
            for batch in map(int, args.batch.split(",")):
                x = torch.randn(batch, frames, 128, generator=torch.Generator().manual_seed(7))
                with torch.no_grad():
                    ms = timed(lambda: model(x), args.warmup, args.iterations)
                print(f"pytorch {torch.__version__} {args.model} stem {stem}x{stem} T={frames} B={batch} "
                      f"threads={args.threads}: {summary(ms)}", flush=True)


if __name__ == "__main__":
    main()
