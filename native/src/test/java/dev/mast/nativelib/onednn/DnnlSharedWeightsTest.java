package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.ReferenceKernels;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Layers re-created on another engine ({@link DnnlEngine#linear(DnnlLinear)},
 * {@link DnnlEngine#convStem(DnnlConvStem)}) compute the same function on the original's packed weights: no copy of
 * the weights is made, either layer may close first, and the weights are freed with the last of them.
 */
class DnnlSharedWeightsTest {
    private static final double RTOL = 1e-5;
    /** The weight below is 4 MiB; a copy would show as at least that much malloc growth. */
    private static final long WEIGHT_BYTES = 1024L * 1024 * Float.BYTES;

    @Test
    void linearSharesItsPackedWeightsAcrossEngines() throws Throwable {
        try (DnnlEngine a = DnnlEngine.open(2); DnnlEngine b = DnnlEngine.open(1); TensorArena ar = new TensorArena()) {
            Tensor w = Fill.random(ar, 1, 1024, 1024), bias = Fill.random(ar, 2, 1024);
            Tensor x = Fill.random(ar, 3, 5, 1024), ref = ar.allocate(5, 1024);
            ReferenceKernels.linear(x, w, bias, ref, Epilogue.GELU);
            DnnlLinear original = a.linear(w, bias);
            Tensor y = ar.allocate(5, 1024);
            original.forward(x, y, Epilogue.GELU); // plans and scratch of engine a exist before measuring
            long before = DnnlMemoryTest.mallocInUse();
            DnnlLinear twin = b.linear(original);
            long growth = DnnlMemoryTest.mallocInUse() - before;
            assertTrue(growth < WEIGHT_BYTES / 4, "sharing grew malloc'd memory by " + growth + " bytes");
            assertEquals(1024, twin.inFeatures());
            assertEquals(1024, twin.outFeatures());
            Tensor z = ar.allocate(5, 1024);
            twin.forward(x, z, Epilogue.GELU);
            Fill.assertClose("twin on another engine", ref, z, RTOL);

            original.close(); // the twin keeps the weights alive
            z.fill(0f);
            twin.forward(x, z, Epilogue.GELU);
            Fill.assertClose("twin after the original closed", ref, z, RTOL);
            long held = DnnlMemoryTest.mallocInUse();
            twin.close(); // the last user frees them
            long freed = held - DnnlMemoryTest.mallocInUse();
            assertTrue(freed >= WEIGHT_BYTES, "closing the last user freed only " + freed + " bytes");
            assertThrows(IllegalStateException.class, () -> twin.forward(x, z, Epilogue.NONE));
        }
    }

    @Test
    void closingTheOriginalsEngineLeavesTheTwinWorking() throws Exception {
        try (DnnlEngine b = DnnlEngine.open(1); TensorArena ar = new TensorArena()) {
            Tensor w = Fill.random(ar, 4, 96, 1, 16, 16), bias = Fill.random(ar, 5, 96);
            Tensor image = Fill.random(ar, 6, 2, 128, 40);
            Tensor ref = ar.allocate(2, 12, 3, 96), out = ar.allocate(2, 12, 3, 96);
            ReferenceKernels.conv2dSingleChannel(image, w, bias, 10, 10, 0, 0, ref);
            DnnlConvStem twin;
            try (DnnlEngine a = DnnlEngine.open(2)) {
                DnnlConvStem original = a.convStem(w, bias, 10, 10, 0, 0);
                twin = b.convStem(original);
                assertEquals(96, twin.channels());
                assertEquals(12, twin.outputHeight(128));
                assertEquals(3, twin.outputWidth(40));
            }
            twin.forward(image, out);
            Fill.assertClose("stem twin after the original's engine closed", ref, out, RTOL);
        }
    }
}
