package dev.mast.engine.kernel;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class VectorMathTest {
    @Test
    void logIsWithinTwoUlpOfTheTrueValue() {
        Random rnd = new Random(1);
        float[] x = new float[8], y = new float[8];
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            for (int l = 0; l < 8; l++) {
                // log-uniform over the range the front ends use (float epsilon .. 1e8), plus values near 1
                x[l] = i % 4 == 0 ? 1f + (float) (rnd.nextDouble() - 0.5) * 1e-2f
                        : (float) Math.exp(rnd.nextDouble() * 34 - 16);
            }
            VectorMath.log(FloatVector.fromArray(FloatVector.SPECIES_256, x, 0)).intoArray(y, 0);
            for (int l = 0; l < 8; l++) {
                double exact = Math.log(x[l]);
                double ulps = Math.abs(y[l] - exact) / Math.ulp((float) exact);
                worst = Math.max(worst, ulps);
                assertTrue(ulps <= 2, "log(" + x[l] + ") = " + y[l] + ", exact " + exact);
            }
        }
        assertTrue(worst > 0); // the check ran
    }

    @Test
    void logAtPowersOfTwoAndTheFloor() {
        float[] x = {1f, 2f, 0.5f, 1.1920929e-07f, 1024f, 0.70710677f, 0.7071067f, 1.4142135f};
        float[] y = new float[8];
        VectorMath.log(FloatVector.fromArray(FloatVector.SPECIES_256, x, 0)).intoArray(y, 0);
        for (int l = 0; l < 8; l++) assertEquals(Math.log(x[l]), y[l], 2 * Math.ulp((float) Math.log(x[l])) + 1e-9);
    }

    @Test
    void sum256IsTheFixedTree() {
        float[] v = {1e8f, 1f, -1e8f, 1f, 3f, 5f, 7f, 11f};
        float want = ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
        assertEquals(want, VectorMath.sum256(FloatVector.fromArray(FloatVector.SPECIES_256, v, 0)));
    }

    @Test
    void sumIsThePairwiseTreeOfThePreferredSpecies() {
        Random rnd = new Random(2);
        float[] v = new float[VectorMath.LANES];
        for (int trial = 0; trial < 100; trial++) {
            for (int l = 0; l < v.length; l++) v[l] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9)));
            // lane i plus lane i + half, halving until one lane is left
            float[] t = v.clone();
            for (int half = t.length / 2; half >= 1; half /= 2) {
                for (int l = 0; l < half; l++) t[l] += t[l + half];
            }
            assertEquals(t[0], VectorMath.sum(FloatVector.fromArray(VectorMath.SPECIES, v, 0)));
        }
    }
}
