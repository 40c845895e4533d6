package dev.mast.model.layer;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonFields;
import dev.mast.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class RelativePositionTest {
    /** timm's indices, computed by PyTorch itself (fixtures/mast_extended/make_mast_extended.py). */
    @Test
    void indicesMatchPyTorchExactly() throws IOException, URISyntaxException {
        Path p = Path.of(getClass().getResource("/fixtures/mast_extended/rel_pos_indices.json").toURI());
        JsonFields all = JsonFields.of(Json.parse(Files.readString(p)), "indices");
        assertTrue(all.keys().size() >= 20);
        for (String key : all.keys()) {
            String[] qk = key.split("x");
            int q = Integer.parseInt(qk[0]), k = Integer.parseInt(qk[1]);
            int[] expected = all.intArray(key, 0, Integer.MAX_VALUE);
            assertArrayEquals(expected, RelativePosition.indices(q, k), key);
        }
    }

    @Test
    void freshTablesCoverEveryIndex() {
        for (int q = 1; q < 60; q++) {
            for (int k = 1; k < 60; k++) {
                int max = 0;
                for (int v : RelativePosition.indices(q, k)) {
                    assertTrue(v >= 0, q + "x" + k);
                    max = Math.max(max, v);
                }
                assertTrue(max < RelativePosition.freshRows(q, k), q + "x" + k + " max " + max);
            }
        }
    }

    /** PyTorch: F.interpolate(t.T[None], size=5, mode="linear").T for t = [[0, 10], [1, 11], [2, 12]]. */
    @Test
    void linearResampleMatchesPyTorch() {
        Tensor src = Tensor.of(new float[] {0, 10, 1, 11, 2, 12}, 3, 2);
        Tensor dst = Tensor.of(new float[10], 5, 2);
        LinearResample.resample(src, dst);
        // torch 1.13 prints [0, 0.4, 1, 1.6, 2] (scale 0.6: source max(0, 0.6·(o + 0.5) − 0.5)).
        float[] expected = {0f, 10f, 0.4f, 10.4f, 1f, 11f, 1.6f, 11.6f, 2f, 12f};
        float[] got = dst.toArray();
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], 1e-6f, "element " + i);
        Tensor down = Tensor.of(new float[4], 2, 2);
        LinearResample.resample(src, down);
        // scale 1.5: sources 0.25 and 1.75
        assertArrayEquals(new float[] {0.25f, 10.25f, 1.75f, 11.75f}, down.toArray(), 1e-6f);
    }
}
