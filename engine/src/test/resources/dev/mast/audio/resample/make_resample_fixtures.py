#!/usr/bin/python3
"""Reference outputs of torchaudio.functional.resample (torchaudio 0.13.1, defaults: sinc_interp_hann,
lowpass_filter_width 6, rolloff 0.99) for the Java Resampler tests.

Run with Debian's interpreter from this folder:  /usr/bin/python3 make_resample_fixtures.py
Writes in_<from>_<to>.npy (float32 input) and out_<from>_<to>.npy (float32 output) for each rate pair.
"""
import numpy as np
import torch
import torchaudio.functional as F

PAIRS = [(44100, 16000), (48000, 16000), (22050, 16000), (8000, 16000), (32000, 16000), (11025, 16000),
         (16000, 22050), (44101, 16000)]  # 44101: coprime with 16000, 16000 phases


def signal(rate, seconds, seed):
    rng = np.random.default_rng(seed)
    n = int(rate * seconds) + seed  # odd lengths too
    t = np.arange(n) / rate
    chirp = 0.4 * np.sin(2 * np.pi * (100 * t + 0.5 * (rate / 2 - 100) / seconds * t * t))  # sweeps to Nyquist
    noise = 0.1 * rng.standard_normal(n)
    return (chirp + noise).astype(np.float32)


for i, (src, dst) in enumerate(PAIRS):
    x = signal(src, 0.3, i + 1)
    y = F.resample(torch.from_numpy(x), src, dst).numpy()
    np.save(f"in_{src}_{dst}.npy", x)
    np.save(f"out_{src}_{dst}.npy", y.astype(np.float32))
    print(src, dst, x.shape, y.shape)
