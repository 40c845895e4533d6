package dev.mast.audio.features;

import dev.mast.audio.AudioFixtures;
import dev.mast.engine.io.NpyArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Filter weights against torchaudio (melbank/make_melbank_fixtures.py). */
class MelFilterBankTest {
    private static float[] flat(float[][] m, int cols) {
        float[] out = new float[m.length * cols];
        for (int r = 0; r < m.length; r++) System.arraycopy(m[r], 0, out, r * cols, cols);
        return out;
    }

    @Test
    void kaldiBankEqualsTorchaudiosFloat32Bank() {
        MelFilterBank bank = MelFilterBank.kaldi(128, 512, 16000, 20, 8000);
        float[][] dense = bank.dense();
        NpyArray want = AudioFixtures.npy("melbank/kaldi_128.npy"); // (128, 256): no Nyquist column
        for (float[] row : dense) assertEquals(0f, row[256], "Nyquist bin has weight 0");
        // same float32 steps; torchaudio's float log may differ from the correctly rounded one by an ulp
        assertTrue(AudioFixtures.maxAbsDiff(flat(dense, 256), want.data()) <= 2e-5);
    }

    @Test
    void slaneyBankEqualsTorchaudiosLibrosaCompatibleBank() {
        MelFilterBank bank = MelFilterBank.slaney(128, 1024, 16000, 60, 7800);
        NpyArray want = AudioFixtures.npy("melbank/slaney_128.npy"); // (128, 513)
        // ours is computed in double and rounded once, torchaudio's in float32: ~1e-5 of the largest weight
        double d = AudioFixtures.maxAbsDiff(flat(bank.dense(), 513), want.data());
        assertTrue(d <= 1e-6, "max |diff| " + d);
    }

    /** With 128 bins on a 512-point FFT some low filters fall between FFT bins: empty, as in torchaudio. */
    @Test
    void sparseSpansAreTrimmedToTheNonZeroWeights() {
        MelFilterBank bank = MelFilterBank.kaldi(128, 512, 16000, 20, 8000);
        float[] want = AudioFixtures.npy("melbank/kaldi_128.npy").data();
        int empty = 0;
        for (int b = 0; b < bank.count(); b++) {
            float[] w = bank.weights(b);
            boolean zeroRow = true;
            for (int k = 0; k < 256; k++) zeroRow &= want[b * 256 + k] == 0;
            assertEquals(zeroRow, w.length == 0, "filter " + b);
            if (w.length > 0) assertTrue(w[0] > 0 && w[w.length - 1] > 0, "filter " + b);
            else empty++;
        }
        assertTrue(empty > 0, "the fixture has empty low filters");
    }
}
