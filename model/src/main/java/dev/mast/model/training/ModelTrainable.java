package dev.mast.model.training;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.AudioModel;
import dev.mast.model.Trainable;
import dev.mast.model.layer.Parameter;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * What the MAST and AST trainables share: the model's own {@link Parameter}s with gradients allocated here (zeroed,
 * in an arena this object owns), the training context, the patch stem and head passes, argument checks, and the
 * workspace discipline: the saved activations are reset when a forward pass starts, scratch memory when a pass ends.
 */
abstract sealed class ModelTrainable implements Trainable permits MastTrainable, AstTrainable {
    final AudioModel model;
    final TrainContext ctx;
    final PatchEmbedGrad patchEmbed;
    final HeadGrad head;
    private final Arena grads = Arena.ofShared();
    private final List<Parameter> params;
    /** Input shape of the last completed forward pass, or null. */
    private int[] forwardShape;

    ModelTrainable(AudioModel model) {
        if (model.head() == null) {
            throw new IllegalArgumentException("training needs a classification head (this model has num_classes 0)");
        }
        this.model = model;
        this.params = model.parameters();
        for (Parameter p : params) {
            if (p.value().storage().isReadOnly()) {
                throw new IllegalArgumentException("parameter " + p.name() + " is a read-only view of the model file;"
                        + " load with LoadOptions.withCopyParameters(true) to train");
            }
            if (p.grad() != null) {
                throw new IllegalStateException("parameter " + p.name() + " already has a gradient (is another"
                        + " Trainable open on this model?)");
            }
        }
        for (Parameter p : params) p.allocateGrad(grads);
        this.ctx = new TrainContext(model.backend().pool());
        try {
            this.patchEmbed = new PatchEmbedGrad(model.patchEmbed());
            this.head = new HeadGrad(model.head());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The training passes of each block, with drop-path rates as timm spreads them: linearly from 0 at the first
     * block to {@code dropPathRate} at the last.
     */
    static <B, G> List<G> blockGrads(List<B> blocks, double dropPathRate, BiFunction<B, Double, G> grad) {
        List<G> out = new ArrayList<>();
        int n = blocks.size();
        for (int i = 0; i < n; i++) out.add(grad.apply(blocks.get(i), n <= 1 ? 0 : dropPathRate * i / (n - 1)));
        return out;
    }

    @Override
    public final List<Parameter> parameters() {
        return params;
    }

    @Override
    public final int numClasses() {
        return model.numClasses();
    }

    @Override
    public final void forwardTrain(Tensor input, Tensor logits, RandomGenerator rng) {
        model.checkInput(input);
        requireRows("logits", logits, input.dim(0), numClasses());
        forwardShape = null;
        ctx.saved.reset();
        ctx.scratch.reset();
        try {
            forward(input, logits, rng);
        } finally {
            ctx.scratch.reset();
        }
        forwardShape = input.shape();
    }

    @Override
    public final void backward(Tensor logitsGrad, Tensor inputGrad) {
        if (forwardShape == null) throw new IllegalStateException("backward needs a completed forwardTrain first");
        requireRows("logits gradient", logitsGrad, forwardShape[0], numClasses());
        if (inputGrad != null && !Arrays.equals(inputGrad.shape(), forwardShape)) {
            throw new ShapeMismatchException("input gradient must have the input's shape "
                    + Arrays.toString(forwardShape) + ", got " + inputGrad);
        }
        try {
            backward(logitsGrad, inputGrad, forwardShape[0]);
        } finally {
            ctx.scratch.reset();
        }
    }

    /** The forward pass proper; input and logits are checked. */
    abstract void forward(Tensor input, Tensor logits, RandomGenerator rng);

    /** The backward pass proper; inputGrad is null or of the input's shape. */
    abstract void backward(Tensor logitsGrad, Tensor inputGrad, int batch);

    private static void requireRows(String what, Tensor t, int batch, int classes) {
        if (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != classes || !t.isContiguous()) {
            throw new ShapeMismatchException(what + " must be a contiguous [" + batch + ", " + classes + "], got " + t);
        }
    }

    /**
     * Tells the model its values changed: its inference forward pass rebuilds its prepared weights before the next
     * call (the training passes read the values directly, so steps themselves never pack).
     */
    @Override
    public void parametersChanged() {
        model.parametersChanged();
    }

    @Override
    public void close() {
        for (Parameter p : params) p.clearGrad();
        ctx.close();
        grads.close();
    }
}
