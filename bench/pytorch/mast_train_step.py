#!/usr/bin/env python3
"""Same-machine baseline for `mast bench train`: one MAST training step in PyTorch eager (CPU, float32).

A step is what TrainStepSetup times on the Java side: forward of a random batch, softmax cross-entropy against
random labels, backward, and one torch.optim.AdamW update of every parameter. The model is mast_forward.py's (same
shapes, same random weights).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 mast_train_step.py --threads 1 [--model tiny]
        [--stem 7] [--frames 128] [--batch 8] [--classes 35] [--warmup 2] [--iterations 7]
"""
import argparse

import torch
import torch.nn.functional as F

from mast_forward import PRESETS, Mast, random_params, summary, timed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--stem", type=int, default=7)
    ap.add_argument("--frames", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--classes", type=int, default=35)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=7)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    p = random_params(args.model, args.stem, args.frames, args.classes)
    for t in p.values():
        t.requires_grad_(True)
    model = Mast(p, args.model, args.stem)
    opt = torch.optim.AdamW(list(p.values()), lr=1e-3, weight_decay=0.05)
    g = torch.Generator().manual_seed(7)
    x = torch.randn(args.batch, args.frames, 128, generator=g)
    y = torch.randint(0, args.classes, (args.batch,), generator=g)
    def step():
        opt.zero_grad(set_to_none=False)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    ms = timed(step, args.warmup, args.iterations)
    print(f"pytorch {torch.__version__} train step {args.model} stem {args.stem}x{args.stem} T={args.frames} "
          f"B={args.batch} threads={args.threads}: {summary(ms)}", flush=True)

if __name__ == "__main__":
    main()
