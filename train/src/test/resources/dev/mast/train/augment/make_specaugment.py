#!/usr/bin/python3
"""Reference SpecAugment masks and time rolls, from torchaudio 0.13 / torch 1.13 as AST's dataloader calls them.

Run from this folder: /usr/bin/python3 make_specaugment.py  -> writes specaugment/*.npy.

AST masks a (T, 128) fbank as: fbank.T.unsqueeze(0) -> FrequencyMasking(freqm) -> TimeMasking(timem) -> back.
torchaudio draws the uniforms with torch.rand; here torch.rand is replaced by a function that returns chosen
values, so the Java test can feed the same uniforms and compare the masked cells exactly.

Files (case i): u{i}.npy float32 [u1_freq, u2_freq, u1_time, u2_time], params{i}.npy float32 [T, freqm, timem],
masked{i}.npy (T, 128): ones with the masked cells zero. roll_{s}.npy: torch.roll(arange(T*128).reshape(T, 128), s, 0)
for T = 128.
"""
import os
import numpy as np
import torch
import torchaudio

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "specaugment")
os.makedirs(here, exist_ok=True)

CASES = [  # T, freqm, timem, uniforms
    (128, 48, 48, [0.5, 0.5, 0.5, 0.5]),
    (128, 48, 48, [0.9999999, 0.9999999, 0.9999999, 0.0]),
    (128, 48, 48, [0.0, 0.3, 0.02, 0.7]),
    (128, 24, 96, [0.123456, 0.654321, 0.87654, 0.3456]),
    (100, 48, 48, [0.7315, 0.9921, 0.4444, 0.9999]),
    (1024, 48, 192, [0.31, 0.77, 0.95, 0.61]),
]

real_rand = torch.rand


def run_case(i, t, freqm, timem, us):
    queue = [torch.tensor([u], dtype=torch.float32) for u in us]
    torch.rand = lambda *args, **kw: queue.pop(0)
    try:
        fbank = torch.ones(t, 128)
        x = fbank.transpose(0, 1).unsqueeze(0)
        x = torchaudio.transforms.FrequencyMasking(freqm)(x)
        x = torchaudio.transforms.TimeMasking(timem)(x)
        out = x.squeeze(0).transpose(0, 1)
    finally:
        torch.rand = real_rand
    assert not queue
    np.save(os.path.join(here, f"u{i}.npy"), np.array(us, dtype=np.float32))
    np.save(os.path.join(here, f"params{i}.npy"), np.array([t, freqm, timem], dtype=np.float32))
    np.save(os.path.join(here, f"masked{i}.npy"), out.numpy().astype(np.float32))


def main():
    for i, (t, f, m, us) in enumerate(CASES):
        run_case(i, t, f, m, us)
    x = torch.arange(128 * 128, dtype=torch.float32).reshape(128, 128)
    for s in (-10, -1, 0, 3, 9):
        np.save(os.path.join(here, f"roll_{s}.npy"), torch.roll(x, s, 0).numpy())


if __name__ == "__main__":
    main()
