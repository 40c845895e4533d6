#!/usr/bin/python3
"""Reference log-mels for the Java LibrosaLogMel (spec §1.3), written independently in float64 numpy from the spec's
formulas (librosa itself is not installed): centred STFT with numpy "reflect" padding of 512, periodic Hann window
of 1024, hop 160, |X|^2 + 2.220446e-16, Slaney mel filters (128 bins, 60..7800 Hz, norm 'slaney'),
ln(mel + 1.1920929e-07).

Run from this folder:  /usr/bin/python3 make_librosa_fixtures.py
Reads the 16 kHz WAVs in ../fbank/ and writes <name>.npy (float32, (frames, 128)); short300.npy uses the first
300 samples of the keyword clip (shorter than the padding: the reflection bounces).
"""
import wave

import numpy as np

SR, N_FFT, HOP, N_MELS, FMIN, FMAX = 16000, 1024, 160, 128, 60.0, 7800.0
F_SP, MIN_LOG_HZ = 200.0 / 3, 1000.0
MIN_LOG_MEL, LOGSTEP = MIN_LOG_HZ / F_SP, np.log(6.4) / 27.0


def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    return np.where(f < MIN_LOG_HZ, f / F_SP, MIN_LOG_MEL + np.log(np.maximum(f, 1e-10) / MIN_LOG_HZ) / LOGSTEP)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m < MIN_LOG_MEL, m * F_SP, MIN_LOG_HZ * np.exp(LOGSTEP * (m - MIN_LOG_MEL)))


def slaney_filters():
    fft_hz = np.arange(N_FFT // 2 + 1) * SR / N_FFT
    f = mel_to_hz(np.linspace(hz_to_mel(FMIN), hz_to_mel(FMAX), N_MELS + 2))
    w = np.zeros((N_MELS, fft_hz.size))
    for i in range(N_MELS):
        lower = (fft_hz - f[i]) / (f[i + 1] - f[i])
        upper = (f[i + 2] - fft_hz) / (f[i + 2] - f[i + 1])
        w[i] = np.maximum(0, np.minimum(lower, upper)) * (2.0 / (f[i + 2] - f[i]))
    return w


def log_mel(y):
    y = y.astype(np.float64)
    padded = np.pad(y, N_FFT // 2, mode="reflect")
    frames = 1 + len(y) // HOP
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(frames)[:, None]
    power = np.abs(np.fft.rfft(padded[idx] * window, axis=1)) ** 2 + 2.220446e-16
    return np.log(power @ slaney_filters().T + 1.1920929e-07)


def read_wav16(path):
    with wave.open(path, "rb") as w:
        assert w.getframerate() == SR and w.getsampwidth() == 2 and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


# Cross-check the filter bank against torchaudio's own implementation of librosa's Slaney filters.
import torch
import torchaudio.functional as TF

ta = TF.melscale_fbanks(N_FFT // 2 + 1, FMIN, FMAX, N_MELS, SR, norm="slaney", mel_scale="slaney").double().numpy().T
# torchaudio builds them in float32: agreement to ~1e-5 of the largest weight
assert np.abs(ta - slaney_filters()).max() < 2e-5 * np.abs(ta).max(), "Slaney filters disagree with torchaudio"

for name in ["yes_16k_s16_mono", "tone_short_16k_s16_mono", "silence_16k_s16_mono", "sentence_16k_s16_mono"]:
    m = log_mel(read_wav16(f"../fbank/{name}.wav"))
    np.save(f"{name}.npy", m.astype(np.float32))
    print(name, m.shape, m.min(), m.max())
m = log_mel(read_wav16("../fbank/yes_16k_s16_mono.wav")[:300])
np.save("short300.npy", m.astype(np.float32))
print("short300", m.shape)
