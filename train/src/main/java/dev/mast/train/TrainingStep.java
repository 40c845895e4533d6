package dev.mast.train;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.Trainable;
import dev.mast.model.layer.Parameter;
import dev.mast.train.loss.Loss;
import dev.mast.train.optim.AdamW;
import dev.mast.train.optim.GradientClipping;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One optimiser step on one mini-batch, in the order of {@code dev.mast.train.optim}: zero the gradients, forward
 * (keeping activations), loss and ∂loss/∂logits, backward, clip the global gradient norm, AdamW, then tell the model
 * its parameters changed. Owns the optimiser (its state goes into checkpoints) and the logits buffers. Shared by the
 * training loop and the training-step benchmark, so both time and run the same code.
 */
public final class TrainingStep implements AutoCloseable {
    /** What a step reports: the batch's mean loss, the gradient norm before clipping (NaN without clipping). */
    public record Result(double loss, double gradNorm) {}

    private final Trainable model;
    private final List<Parameter> params;
    private final Loss loss;
    private final AdamW optimizer;
    private final double clipNorm;
    private final EnginePool pool;
    private final TensorArena arena = new TensorArena();
    /** Logits and their gradient per batch size (the last batch of an epoch may be smaller). */
    private final Map<Integer, Tensor[]> buffers = new HashMap<>();
    private Tensor lastLogits;

    /**
     * @param clipNorm clip gradients to this global norm; 0 for no clipping
     * @param pool     threads for the clipping and the optimiser (the model has its own)
     */
    public TrainingStep(Trainable model, Loss loss, AdamW.Config optimizer, double clipNorm, EnginePool pool) {
        this.model = model;
        this.params = model.parameters();
        for (Parameter p : params) {
            if (p.grad() == null) throw new IllegalStateException("parameter " + p.name() + " has no gradient buffer");
        }
        this.loss = loss;
        this.optimizer = new AdamW(params, optimizer);
        this.clipNorm = clipNorm;
        this.pool = pool;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * Trains on {@code input} [B, T, F] against {@code targets} [B, K] with learning rate {@code lr}; {@code rng}
     * feeds the model's stochastic layers.
     *
     * @throws IllegalStateException if the loss is not finite (the parameters are then left unchanged)
     */
    public Result run(Tensor input, Tensor targets, double lr, RandomGenerator rng) {
        Tensor[] b = buffers.computeIfAbsent(input.dim(0),
                n -> new Tensor[] {arena.allocate(n, model.numClasses()), arena.allocate(n, model.numClasses())});
        Tensor logits = b[0], dLogits = b[1];
        for (Parameter p : params) p.grad().fill(0f);
        model.forwardTrain(input, logits, rng);
        double value = loss.backward(logits, targets, dLogits);
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("the training loss became " + value + " (try a lower --lr)");
        }
        model.backward(dLogits, null);
        double norm = clipNorm > 0 ? GradientClipping.clip(params, clipNorm, pool) : Double.NaN;
        optimizer.step(lr, pool);
        model.parametersChanged();
        lastLogits = logits;
        return new Result(value, norm);
    }

    /** The logits of the last step's batch (valid until the next step). */
    public Tensor logits() {
        return lastLogits;
    }

    @Override
    public void close() {
        optimizer.close();
        arena.close();
    }
}
