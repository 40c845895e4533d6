/**
 * The engine's dedicated thread pool ({@link dev.mast.engine.parallel.EnginePool}); kernels partition work so results do not depend on the thread count.
 */
package dev.mast.engine.parallel;
