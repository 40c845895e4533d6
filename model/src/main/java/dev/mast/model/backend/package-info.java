/**
 * Where the heavy operators of a forward pass run: {@link dev.mast.model.backend.Backend} is the small interface
 * the layers call, {@link dev.mast.model.backend.JavaBackend} runs it on the engine's Java kernels.
 */
package dev.mast.model.backend;
