package dev.mast.model;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;
import dev.mast.model.layer.ClassifierHead;
import dev.mast.model.layer.ForwardContext;
import dev.mast.model.layer.ForwardProbe;
import dev.mast.model.layer.Layer;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.PatchEmbed;
import dev.mast.model.layer.ParameterSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A spectrogram classifier: {@link MastModel} or {@link AstModel}. Input is a batch of log-mel spectrograms
 * [B, T, F] (frames × mel bins, any strides, F = the config's {@code input_fdim}); {@link #embed} gives the clip
 * embeddings [B, D], {@link #forward} the logits [B, K].
 *
 * <p><b>Memory.</b> Every activation comes from the caller's {@link Workspace}, which the call resets when it
 * returns; input and output tensors must therefore not come from that workspace. After the first call at a given
 * input shape the workspace has grown to size and later calls allocate no off-heap memory.
 *
 * <p><b>Threads.</b> A model is immutable once built and safe to use from many threads at once, each call with its
 * own workspace; the backend's thread pool is shared (a call that finds it busy runs its operators inline on its
 * own thread, with identical results). Changing parameter values (training) and {@link #repack()} must not overlap
 * with forward calls. {@link #close()} frees the model; it must not race with calls.
 */
public abstract sealed class AudioModel implements AutoCloseable permits MastModel, AstModel {
    private final Backend backend;
    private final ParameterSource source;
    private final List<Layer> layers = new ArrayList<>();
    private ClassifierHead head;
    /** Whether parameter values changed since the prepared weights were built. */
    private volatile boolean stale;

    AudioModel(Backend backend, ParameterSource source) {
        this.backend = backend;
        this.source = source;
    }

    /** Registers a layer (in parameter order) and returns it. */
    final <L extends Layer> L add(L layer) {
        layers.add(layer);
        return layer;
    }

    final void setHead(ClassifierHead head) {
        this.head = add(head);
    }

    /** Frees what was built so far when a constructor fails half-way. */
    final void closeLayers() {
        for (Layer l : layers) l.close();
        layers.clear();
    }

    public abstract ModelConfig config();

    /** Writes the clip embeddings [B, D] for input [B, T, F]. */
    abstract void features(ForwardContext ctx, Tensor input, Tensor embedding);

    /** Frames the model cannot go below (the stem's kernel). */
    abstract int minFrames();

    /** The patch stem: the spectrogram to patch tokens. */
    public abstract PatchEmbed patchEmbed();

    /** The classification head, or null for a model without one (num_classes 0). */
    public ClassifierHead head() {
        return head;
    }

    public Backend backend() {
        return backend;
    }

    public int numClasses() {
        return head == null ? 0 : head.classes();
    }

    public int embeddingDim() {
        return config().embeddingDim();
    }

    /** logits [B, K] (contiguous) for input [B, T, F]. */
    public final void forward(Tensor input, Tensor logits, Workspace ws) {
        forward(input, logits, ws, null);
    }

    /** As {@link #forward(Tensor, Tensor, Workspace)}, handing intermediate tensors to {@code probe}. */
    public final void forward(Tensor input, Tensor logits, Workspace ws, ForwardProbe probe) {
        if (head == null) {
            throw new IllegalStateException("this model has no classification head (num_classes 0): use embed");
        }
        checkInput(input);
        refreshPrepared();
        if (logits.rank() != 2 || logits.dim(0) != input.dim(0) || logits.dim(1) != head.classes()
                || !logits.isContiguous()) {
            throw new ShapeMismatchException("forward: logits must be a contiguous [" + input.dim(0) + ", "
                    + head.classes() + "], got " + logits);
        }
        ForwardContext ctx = new ForwardContext(backend, ws, probe);
        try {
            Tensor embedding = ws.allocate(input.dim(0), embeddingDim());
            features(ctx, input, embedding);
            ctx.record("pooled", embedding);
            head.forward(ctx, embedding, logits);
            ctx.record("logits", logits);
        } finally {
            ws.reset();
        }
    }

    /** Clip embeddings [B, D] (contiguous): the pooled features the head would see. */
    public final void embed(Tensor input, Tensor embedding, Workspace ws) {
        checkInput(input);
        refreshPrepared();
        if (embedding.rank() != 2 || embedding.dim(0) != input.dim(0) || embedding.dim(1) != embeddingDim()
                || !embedding.isContiguous()) {
            throw new ShapeMismatchException("embed: output must be a contiguous [" + input.dim(0) + ", "
                    + embeddingDim() + "], got " + embedding);
        }
        try {
            features(new ForwardContext(backend, ws, null), input, embedding);
        } finally {
            ws.reset();
        }
    }

    /**
     * Checks that {@code input} is a spectrogram batch this model accepts: [B, T, F] with the config's F and at
     * least as many frames as the patch stem needs.
     *
     * @throws ShapeMismatchException   for another shape
     * @throws IllegalArgumentException for a clip shorter than the stem
     */
    public final void checkInput(Tensor input) {
        int f = config().inputFdim();
        if (input.rank() != 3 || input.dim(2) != f || input.dim(0) < 1) {
            throw new ShapeMismatchException("input must be a spectrogram batch [B, T, " + f + "], got " + input);
        }
        if (input.dim(1) < minFrames()) {
            throw new IllegalArgumentException("input of " + input.dim(1) + " frames is shorter than the "
                    + minFrames() + " the patch stem needs");
        }
    }

    /** All parameters in state-dict order, under their timm/LAPE names (no wrapper prefix). */
    public final List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers) l.collectParameters(out);
        return Collections.unmodifiableList(out);
    }

    /** Rebuilds the backend-prepared weights after parameter values changed. */
    public final void repack() {
        for (Layer l : layers) l.repack();
    }

    /**
     * Records that parameter values changed (an optimiser step): the next {@link #forward} or {@link #embed} call
     * rebuilds the backend-prepared weights first, so that a training loop pays for the packing only when it runs
     * inference, not at every step. Must not overlap with forward calls, like any change of values.
     */
    public final void parametersChanged() {
        stale = true;
    }

    /** Rebuilds the prepared weights once after {@link #parametersChanged()}; concurrent callers wait for it. */
    private void refreshPrepared() {
        if (!stale) return;
        synchronized (this) {
            if (stale) {
                repack();
                stale = false;
            }
        }
    }

    /** Frees prepared weights and parameter memory (unmaps the weights file if parameters view it). */
    @Override
    public void close() {
        closeLayers();
        source.close();
    }
}
