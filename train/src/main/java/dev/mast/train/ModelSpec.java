package dev.mast.train;

import dev.mast.engine.parallel.EnginePool;

/**
 * What to build for a training run.
 *
 * @param name     the architecture and size: a MAST size ("tiny", "small", "base", "large", "micro", "micro16") or
 *                 an AST size prefixed with "ast-" ("ast-tiny", ...)
 * @param stem     MAST patch stem: 7 (MViTv2's 7×7/4/3) or 16 (LAPE's 16×16/10/0); ignored by AST
 * @param frames   input frames T
 * @param bins     input mel bins F
 * @param classes  output classes K
 * @param initSeed seed of the initial parameters
 * @param pool     the threads the model computes on (shared with the optimiser)
 * @param dropPath stochastic depth rate of the last block (0: off); see {@code Trainables.of(model, rate)}
 */
public record ModelSpec(String name, int stem, int frames, int bins, int classes, long initSeed, EnginePool pool,
                        double dropPath) {}
