/**
 * MAST and AST: configurations, forward passes on a {@link dev.mast.model.backend.Backend}, weight import and our
 * own model files.
 *
 * <pre>{@code
 * try (JavaBackend backend = new JavaBackend(EnginePool.defaultThreads());
 *      LoadedModel loaded = ModelLoader.load(Path.of("model.safetensors"), backend, LoadOptions.defaults());
 *      TensorArena arena = new TensorArena();
 *      Workspace ws = new Workspace()) {                     // one per thread, reused across calls
 *     AudioModel model = loaded.model();
 *     Tensor x = arena.allocate(batch, frames, 128);         // log-mel spectrograms (B, T, F)
 *     Tensor logits = arena.allocate(batch, model.numClasses());
 *     model.forward(x, logits, ws);                          // or model.embed(x, embeddings [B, D], ws)
 *     String top = loaded.info().label(argmax);              // labels and front-end settings from the file
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.mast.model.Classifier}: the embedded API, audio in and top-k labels out from one model file.</li>
 *   <li>{@link dev.mast.model.ModelLoader} reads safetensors files: our own ({@link dev.mast.model.ModelFile}, with
 *       architecture, labels and front-end settings in the metadata) and reference checkpoints under timm/LAPE/AST
 *       names, with the architecture from a {@code --config} JSON or the file's metadata.</li>
 *   <li>{@link dev.mast.model.MastModel} / {@link dev.mast.model.AstModel} can also be built directly from a config
 *       and a {@link dev.mast.model.layer.ParameterSource} (e.g. {@link dev.mast.model.RandomInit}).</li>
 *   <li>Models are immutable and thread-safe; each call takes its own {@link dev.mast.engine.tensor.Workspace},
 *       which stops growing after the first call at a given input size.</li>
 *   <li>Training: {@link dev.mast.model.training.Trainables#of} gives a {@link dev.mast.model.Trainable} (forward
 *       keeping activations, backward accumulating gradients) over the model's own parameters; load weights with
 *       {@code LoadOptions.withCopyParameters(true)} so that they are writable.</li>
 * </ul>
 */
package dev.mast.model;
