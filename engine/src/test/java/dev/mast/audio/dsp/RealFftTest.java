package dev.mast.audio.dsp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The batched real FFT against a direct double-precision DFT. */
class RealFftTest {
    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16, 512, 1024})
    void powerSpectrumMatchesDirectDft(int n) {
        RealFft fft = new RealFft(n);
        Random rnd = new Random(n);
        double[][] x = new double[RealFft.LANES][n];
        float[] buf = new float[fft.bufferLength()];
        for (int l = 0; l < RealFft.LANES; l++) {
            for (int j = 0; j < n; j++) {
                // lanes differ in character: noise, a tone, an impulse, silence...
                float v = switch (l) {
                    case 0 -> (float) rnd.nextGaussian();
                    case 1 -> (float) Math.sin(2 * Math.PI * 3.3 * j / n);
                    case 2 -> j == 1 ? 1f : 0f;
                    case 3 -> 0f;
                    default -> (float) (rnd.nextDouble() - 0.5) * l;
                };
                x[l][j] = v;
                buf[fft.slot(j) + l] = v;
            }
        }
        float[] power = new float[fft.bins() * RealFft.LANES];
        fft.powerSpectrum(buf, power);
        for (int l = 0; l < RealFft.LANES; l++) {
            double[] want = new double[n / 2 + 1];
            double max = 0;
            for (int k = 0; k <= n / 2; k++) {
                double re = 0, im = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) k * j % n) / n;
                    re += x[l][j] * Math.cos(a);
                    im += x[l][j] * Math.sin(a);
                }
                want[k] = re * re + im * im;
                max = Math.max(max, want[k]);
            }
            double err = 0;
            for (int k = 0; k <= n / 2; k++) err = Math.max(err, Math.abs(power[k * RealFft.LANES + l] - want[k]));
            // float32 round-off: a few ulps of the largest bin per FFT stage
            double bound = max == 0 ? 0 : 1e-6 * Math.log(n) * max;
            System.out.printf("n=%d lane=%d rel err %.3g%n", n, l, max == 0 ? 0 : err / max);
            assertTrue(err <= bound, "n=" + n + " lane " + l + ": error " + err + " exceeds " + bound);
        }
    }
}
