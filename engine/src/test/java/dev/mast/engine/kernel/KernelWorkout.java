package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;

/**
 * Calls every kernel often enough, on small odd shapes and through every path (epilogues, strided and partial
 * tiles, several K blocks), for the JIT to compile all of it. Run by {@link C1CompilationTest} in a JVM of its own.
 */
public final class KernelWorkout {
    private KernelWorkout() {}

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        try (EnginePool pool = new EnginePool(2); TensorArena arena = new TensorArena(); Workspace ws = new Workspace()) {
            int deep = GemmKernel.KC + 5;
            Tensor x = GemmChecks.random(arena, 1, 9, deep), w = GemmChecks.random(arena, 2, 53, deep);
            Tensor bias = GemmChecks.random(arena, 3, 53), y = arena.allocate(9, 53), z = arena.allocate(9, 53);
            Tensor yT = arena.allocate(53, 9).transpose(0, 1);
            Tensor small = x.slice(1, 0, 30), smallW = w.slice(1, 0, 30);
            PackedLinear layer = new PackedLinear(w, bias, arena.arena());
            PackedLinear shallow = new PackedLinear(smallW, bias, arena.arena());
            Conv2dStem stem = new Conv2dStem(GemmChecks.random(arena, 4, 7, 1, 5, 5), bias.slice(0, 0, 7), 2, 3, 1, 2,
                    arena.arena());
            Tensor image = GemmChecks.random(arena, 5, 2, 19, 17).transpose(1, 2), tokens = arena.allocate(2, 8, 7, 7);
            Tensor grid = GemmChecks.random(arena, 6, 2, 7, 9, 19), dw = GemmChecks.random(arena, 7, 19, 1, 3, 3);
            Tensor pooled = arena.allocate(2, 4, 5, 19), gamma = GemmChecks.random(arena, 8, 53);
            Tensor mean = arena.allocate(2, 19);
            for (int i = 0; i < rounds; i++) {
                // Cheap calls every round, so that the hot methods are compiled late, with every callee resolved
                // (which is when C1 inlines the most and runs out of registers, if it does).
                for (Epilogue e : Epilogue.values()) {
                    shallow.forward(pool, small, y, e);
                    shallow.forward(pool, small, yT, e);
                }
                Sgemm.matmul(pool, small, smallW.transpose(0, 1), y);
                Sgemm.matmul(pool, small.transpose(0, 1).transpose(0, 1), smallW.transpose(0, 1), yT, 0.5f, true);
                if (i % 16 != 0) continue;
                for (Epilogue e : Epilogue.values()) layer.forward(pool, x, y, e);
                Sgemm.matmul(pool, x, w.transpose(0, 1), y);
                stem.forward(pool, image, tokens, ws);
                ws.reset();
                Gelu.forward(pool, y, z);
                ResidualAdd.forward(pool, y, z, z);
                LayerNorm.forward(pool, z, gamma, bias, 1e-6f, y);
                Softmax.forward(pool, y, z);
                DepthwiseConv3x3.forward(pool, grid, dw, 2, 2, pooled);
                MaxPool3x3.forward(pool, grid, 2, 2, pooled);
                MeanTokens.forward(pool, grid.reshape(2, 63, 19), mean);
            }
        }
    }
}
