#!/usr/bin/python3
"""Reference values for AdamW and gradient clipping, from torch.optim.AdamW and clip_grad_norm_ (torch 1.13).

Run from this folder: /usr/bin/python3 make_adamw.py  -> writes adamw/*.npy and clip/*.npy.

AdamW case: six float32 tensors standing for the parameter kinds of a MAST model, two parameter groups (weight
decay 0.05 on weights, 0 on biases / norms / rel-pos tables, which is what the Java option "exclude from decay"
does), four steps with fresh random gradients each step and a different learning rate each step (a schedule sets
the group's lr before step()). One tensor has gradients around 1e-8 so that eps matters, one has exact zeros.
Files: p{i}_init.npy, g{i}_s{t}.npy (gradient given at step t = 1..4), p{i}_s{t}.npy (parameter after step t),
m{i}.npy and v{i}.npy (exp_avg and exp_avg_sq after the last step). The learning rates are LRS below (the Java test
repeats them).

Clip case: three gradient tensors; clip_grad_norm_ with max_norm 1.0 (clipped) and 100.0 (untouched). Files:
g{i}.npy, norm_{clipped,kept}.npy (torch's float32 total norm), g{i}_{clipped,kept}.npy.
"""
import os
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
LRS = [1e-3, 2e-3, 1.5e-3, 5e-4]


def save(folder, name, a):
    os.makedirs(os.path.join(here, folder), exist_ok=True)
    np.save(os.path.join(here, folder, name + ".npy"), a)


def adamw_case():
    g = torch.Generator().manual_seed(1234)
    # shape, decayed, gradient scale
    specs = [((5, 13), True, 1.0),      # weight
             ((37,), False, 0.5),       # bias
             ((257,), False, 2.0),      # norm gain
             ((11, 8), False, 0.1),     # rel-pos table
             ((3, 4, 9), True, 1e-8),   # weight with tiny gradients: eps dominates the denominator
             ((1000,), True, 1.0)]      # long enough for the vector main loop
    params = [torch.nn.Parameter(torch.randn(s, generator=g) * 0.5) for s, _, _ in specs]
    for i, p in enumerate(params):
        save("adamw", f"p{i}_init", p.detach().numpy().astype(np.float32))
    decay = [p for p, (_, d, _) in zip(params, specs) if d]
    no_decay = [p for p, (_, d, _) in zip(params, specs) if not d]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8, foreach=False)
    for t, lr in enumerate(LRS, start=1):
        for group in opt.param_groups:
            group["lr"] = lr
        for i, (p, (s, _, scale)) in enumerate(zip(params, specs)):
            grad = torch.randn(s, generator=g) * scale
            if i == 1:
                grad[::5] = 0.0  # exact zeros: v stays 0 there until another step moves it
            p.grad = grad
            save("adamw", f"g{i}_s{t}", grad.numpy().astype(np.float32))
        opt.step()
        for i, p in enumerate(params):
            save("adamw", f"p{i}_s{t}", p.detach().numpy().astype(np.float32))
    for i, p in enumerate(params):
        st = opt.state[p]
        save("adamw", f"m{i}", st["exp_avg"].numpy().astype(np.float32))
        save("adamw", f"v{i}", st["exp_avg_sq"].numpy().astype(np.float32))


def clip_case():
    g = torch.Generator().manual_seed(99)
    shapes = [(64, 33), (129,), (7, 5, 3)]
    grads = [torch.randn(s, generator=g) * 0.3 for s in shapes]
    for i, x in enumerate(grads):
        save("clip", f"g{i}", x.numpy().astype(np.float32))
    for max_norm, tag in ((1.0, "clipped"), (100.0, "kept")):
        params = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
        for p, x in zip(params, grads):
            p.grad = x.clone()
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
        save("clip", f"norm_{tag}", norm.numpy().reshape(1).astype(np.float32))
        for i, p in enumerate(params):
            save("clip", f"g{i}_{tag}", p.grad.numpy().astype(np.float32))


if __name__ == "__main__":
    adamw_case()
    clip_case()
