#!/usr/bin/python3
"""Decoder test files made with Debian's sox and flac, and what torchaudio 0.13.1 (sox_io backend) decodes them to.

Run from this folder:  /usr/bin/python3 make_decoding_fixtures.py   (needs sox, flac, python3-torchaudio)

wav/<name>.wav   sox-written WAVs in every sample format the decoder supports; wav/<name>.npy is
                 torchaudio.load's float32 (channels, frames) for it.
flac/<name>.flac flac-encoded files covering fixed and LPC predictors, stereo decorrelation, wasted bits,
                 constant and verbatim subframes, 8..32 bits, 1..8 channels, small and large blocks;
                 flac/<name>.wav is the lossless source (the Java test decodes both and compares exactly), and
                 torchaudio.load is checked here to agree with it.
"""
import os
import subprocess

import numpy as np
import torch
import torchaudio

RATE = 16000
rng = np.random.default_rng(7)


def signal(frames, channels, kind="music"):
    t = np.arange(frames) / RATE
    out = []
    for c in range(channels):
        if kind == "music":
            x = 0.3 * np.sin(2 * np.pi * (220 * (c + 1)) * t) + 0.2 * np.sin(2 * np.pi * 3100 * t + c)
            x += 0.05 * rng.standard_normal(frames)
            x *= 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)  # amplitude envelope
        elif kind == "noise":
            x = 0.9 * rng.uniform(-1, 1, frames)  # incompressible: verbatim subframes
        elif kind == "silence":
            x = np.zeros(frames)  # constant subframes
        out.append(x)
    return np.clip(np.stack(out), -1, 0.999)


def write_raw_pcm(path, x, bits, wasted=0):
    """Interleaved little-endian signed integers of `bits` bits, low `wasted` bits zero."""
    scale = 2 ** (bits - 1)
    ints = np.round(x.T * scale).astype(np.int64)
    ints = np.clip(ints, -scale, scale - 1)
    ints = (ints >> wasted) << wasted
    width = {8: 1, 16: 2, 24: 3, 32: 4}[bits]
    raw = np.ascontiguousarray(ints.astype("<i8")).view(np.uint8).reshape(-1, 8)[:, :width]
    with open(path, "wb") as f:
        f.write(raw.tobytes())


def sox_from_raw(raw, bits, channels, out, *out_opts):
    subprocess.run(["sox", "-t", "raw", "-r", str(RATE), "-e", "signed", "-b", str(bits), "-c", str(channels),
                    "-L", raw, *out_opts, out], check=True)


def torchaudio_load(path):
    x, sr = torchaudio.load(path)
    assert sr == RATE
    return x.numpy().astype(np.float32)


os.makedirs("wav", exist_ok=True)
os.makedirs("flac", exist_ok=True)

# --- WAV: every sample format, written by sox from 32-bit integer PCM -------------------------------------------
base = signal(1601, 2)
write_raw_pcm("/tmp/base32.raw", base, 32)
mono = signal(1601, 1)
write_raw_pcm("/tmp/mono32.raw", mono, 32)
six = signal(800, 6)
write_raw_pcm("/tmp/six32.raw", six, 32)
WAVS = {
    "u8_mono": ("/tmp/mono32.raw", 1, ["-e", "unsigned", "-b", "8"]),
    "s16_stereo": ("/tmp/base32.raw", 2, ["-e", "signed", "-b", "16"]),
    "s24_mono": ("/tmp/mono32.raw", 1, ["-e", "signed", "-b", "24"]),
    "s32_stereo": ("/tmp/base32.raw", 2, ["-e", "signed", "-b", "32"]),
    "f32_stereo": ("/tmp/base32.raw", 2, ["-e", "floating-point", "-b", "32"]),
    "f64_mono": ("/tmp/mono32.raw", 1, ["-e", "floating-point", "-b", "64"]),
    # sox's "wav" writes WAVE_FORMAT_EXTENSIBLE for more than 2 channels or more than 16 bits, "wavpcm" never
    "s16_6ch_extensible": ("/tmp/six32.raw", 6, ["-e", "signed", "-b", "16"]),
    "s24_stereo_extensible": ("/tmp/base32.raw", 2, ["-e", "signed", "-b", "24"]),
}
for name, (raw, ch, opts) in WAVS.items():
    out = f"wav/{name}.wav"
    extra = ["-t", "wavpcm"] if "extensible" not in name else []
    sox_from_raw(raw, 32, ch, out, *opts, *extra)
    np.save(f"wav/{name}.npy", torchaudio_load(out))
    with open(out, "rb") as f:
        head = f.read(64)
    print(name, "format tag", hex(int.from_bytes(head[20:22], "little")), torchaudio.info(out))

# --- FLAC: encoder settings that exercise each part of the format ------------------------------------------------
FLACS = {
    # name: (signal, channels, bits, wasted bits, flac options)
    "s16_mono_lpc8": ("music", 1, 16, 0, ["-8", "--padding", "4000"]),  # a PADDING block to skip
    "s16_stereo_fixed": ("music", 2, 16, 0, ["-0"]),                  # fixed predictors only
    "s16_stereo_midside": ("music", 2, 16, 0, ["-5", "-M"]),           # adaptive mid/side
    "s16_stereo_exhaustive": ("music", 2, 16, 0, ["--lax", "-8", "-m", "-e", "-p", "-l", "32", "-b", "4096"]),  # LPC orders up to 32
    "s24_stereo": ("music", 2, 24, 0, ["-8"]),
    "s8_mono": ("music", 1, 8, 0, ["-5"]),
    "s32_mono": ("music", 1, 32, 0, ["-5"]),
    "s16_noise_verbatim": ("noise", 2, 16, 0, ["-5"]),
    "s16_silence_constant": ("silence", 1, 16, 0, ["-5"]),
    "s16_wasted_bits": ("music", 1, 16, 4, ["-5"]),
    "s16_6ch": ("music", 6, 16, 0, ["-5"]),
    "s16_block192": ("music", 1, 16, 0, ["-5", "-b", "192"]),
    "s16_block_odd": ("music", 2, 16, 0, ["-5", "-b", "1000", "-r", "0"]),
    "s16_rice_order8": ("music", 1, 16, 0, ["-5", "-b", "4608", "-r", "8"]),
}
for name, (kind, ch, bits, wasted, opts) in FLACS.items():
    x = signal(4801 if ch <= 2 else 2000, ch, kind)
    raw = f"/tmp/{name}.raw"
    write_raw_pcm(raw, x, bits, wasted)
    wav = f"flac/{name}.wav"
    sox_from_raw(raw, bits, ch, wav, "-e", "unsigned" if bits == 8 else "signed", "-b", str(bits))  # WAV 8-bit is unsigned
    padding = [] if "--padding" in opts else ["--no-padding"]
    subprocess.run(["flac", "-s", "-f", *padding, *opts, "-o", f"flac/{name}.flac", wav], check=True)
    a, b = torchaudio_load(f"flac/{name}.flac"), torchaudio_load(wav)
    assert a.shape == b.shape and np.array_equal(a, b), name
    print(name, os.path.getsize(f"flac/{name}.flac"), "bytes")
