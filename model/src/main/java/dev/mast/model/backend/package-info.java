/**
 * Where the heavy operators of a forward pass run: {@link dev.mast.model.backend.Backend} is the small interface
 * the layers call; {@link dev.mast.model.backend.JavaBackend} runs it on the engine's Java kernels,
 * {@link dev.mast.model.backend.OnednnBackend} on oneDNN through FFM (with the Java kernels for what oneDNN does
 * not do better). {@link dev.mast.model.backend.Backends} chooses one by name, the same way for every entry point:
 * "java", "onednn", or the default (oneDNN when it loads, else Java after a one-line notice).
 */
package dev.mast.model.backend;
