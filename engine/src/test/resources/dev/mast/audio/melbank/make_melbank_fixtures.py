#!/usr/bin/python3
"""Mel filter banks from torchaudio 0.13.1, for the Java MelFilterBank tests.

Run from this folder:  /usr/bin/python3 make_melbank_fixtures.py
kaldi_128.npy   torchaudio.compliance.kaldi.get_mel_banks(128, 512, 16000., 20., 0., 100., -500., 1.) weights,
                (128, 256) float32: what kaldi.fbank multiplies the power spectrum with (before its zero Nyquist column)
slaney_128.npy  torchaudio.functional.melscale_fbanks(513, 60., 7800., 128, 16000, norm="slaney", mel_scale="slaney")
                transposed to (128, 513): librosa's default filters for n_fft 1024 (LAPE's front end)
"""
import numpy as np
import torchaudio.compliance.kaldi as kaldi
import torchaudio.functional as F

bank, _ = kaldi.get_mel_banks(128, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.0)
np.save("kaldi_128.npy", bank.numpy().astype(np.float32))
slaney = F.melscale_fbanks(513, 60.0, 7800.0, 128, 16000, norm="slaney", mel_scale="slaney")
np.save("slaney_128.npy", slaney.numpy().T.astype(np.float32).copy())
print(bank.shape, slaney.shape)
