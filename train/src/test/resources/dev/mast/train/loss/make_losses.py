#!/usr/bin/python3
"""Reference losses and logit gradients from torch 1.13 (float32, reduction 'mean').

Run from this folder: /usr/bin/python3 make_losses.py  -> writes <case>/*.npy.

Each case folder holds logits.npy (B, K), targets.npy (B, K) probabilities (for hard labels: the one-hot rows; the
labels themselves are the argmax), loss.npy (torch's float32 loss, shape (1,)) and grad.npy (d loss / d logits).

Cases:
  ce_hard          cross_entropy(logits, labels)
  ce_hard_ls       cross_entropy(logits, labels, label_smoothing=0.1)
  ce_soft          cross_entropy(logits, probabilities) with mixup rows (lambda on one class, 1 - lambda on another)
  ce_soft_ls       the same with label_smoothing=0.1
  ce_extreme       hard labels with logits of +-80 (overflow check of the log-sum-exp)
  bce_multi        binary_cross_entropy_with_logits, multi-hot targets
  bce_soft         binary_cross_entropy_with_logits, mixup targets, logits of up to +-60 (stability check)
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))


def save(case, logits, targets, loss, grad):
    d = os.path.join(here, case)
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "logits.npy"), logits.detach().numpy().astype(np.float32))
    np.save(os.path.join(d, "targets.npy"), targets.numpy().astype(np.float32))
    np.save(os.path.join(d, "loss.npy"), loss.detach().numpy().reshape(1).astype(np.float32))
    np.save(os.path.join(d, "grad.npy"), grad.numpy().astype(np.float32))


def run(case, logits, targets, fn):
    x = logits.clone().requires_grad_(True)
    loss = fn(x)
    loss.backward()
    save(case, x, targets, loss, x.grad)


def mixup_targets(g, b, k):
    t = torch.zeros(b, k)
    lam = torch.distributions.Beta(10.0, 10.0).sample((b,))
    for i in range(b):
        a, c = torch.randperm(k, generator=g)[:2].tolist()
        t[i, a] += lam[i]
        t[i, c] += 1 - lam[i]
    return t


def main():
    g = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    b, k = 6, 11
    logits = torch.randn(b, k, generator=g) * 3
    labels = torch.randint(0, k, (b,), generator=g)
    onehot = F.one_hot(labels, k).float()
    run("ce_hard", logits, onehot, lambda x: F.cross_entropy(x, labels))
    run("ce_hard_ls", logits, onehot, lambda x: F.cross_entropy(x, labels, label_smoothing=0.1))
    soft = mixup_targets(g, b, k)
    run("ce_soft", logits, soft, lambda x: F.cross_entropy(x, soft))
    run("ce_soft_ls", logits, soft, lambda x: F.cross_entropy(x, soft, label_smoothing=0.1))
    extreme = torch.randn(b, k, generator=g).sign() * 80
    run("ce_extreme", extreme, onehot, lambda x: F.cross_entropy(x, labels))

    bl = torch.randn(5, 7, generator=g) * 4
    multi = (torch.rand(5, 7, generator=g) < 0.3).float()
    run("bce_multi", bl, multi, lambda x: F.binary_cross_entropy_with_logits(x, multi))
    big = bl.clone()
    big[0, :] = 60.0
    big[1, :] = -60.0
    soft2 = mixup_targets(g, 5, 7)
    run("bce_soft", big, soft2, lambda x: F.binary_cross_entropy_with_logits(x, soft2))


if __name__ == "__main__":
    main()
