package dev.mast.model.training;

import dev.mast.model.AstModel;
import dev.mast.model.AudioModel;
import dev.mast.model.MastModel;
import dev.mast.model.Trainable;

/**
 * The backward passes' factory: a {@link Trainable} over a MAST or AST model's own parameters.
 *
 * <pre>{@code
 * try (Trainable t = Trainables.of(model)) {        // model loaded with LoadOptions.withCopyParameters(true)
 *     for (Parameter p : t.parameters()) p.grad().fill(0f);
 *     t.forwardTrain(input, logits, rng);            // input [B, T, F], logits [B, K]
 *     // dLogits = ∂loss/∂logits
 *     t.backward(dLogits, null);                     // parameter gradients +=; or an input-gradient [B, T, F]
 *     // optimiser step on p.value() from p.grad()
 *     t.parametersChanged();                         // the model's inference forward sees the new values
 * }
 * }</pre>
 *
 * <p>The trainable shares the model's {@link dev.mast.model.layer.Parameter} objects (values updated in place are
 * what the model's own forward pass and saved files see) and allocates their gradients, zeroed, for as long as it
 * is open (one trainable per model at a time). It runs the engine's Java kernels on the model backend's thread
 * pool, whatever the backend. Activations and scratch live in two workspaces that stop growing after the first step
 * at a given input shape; gradients accumulate ({@code +=}). Results are bit-identical from run to run and for any
 * thread count.
 */
public final class Trainables {
    private Trainables() {}

    /** A trainable without drop-path. */
    public static Trainable of(AudioModel model) {
        return of(model, 0);
    }

    /**
     * A trainable with stochastic depth: block i of n drops each sample's residual branches with probability
     * {@code dropPathRate·i/(n − 1)} (timm's linear rule; the first block never drops), using the generator given
     * to {@link Trainable#forwardTrain}.
     *
     * @param dropPathRate in [0, 1); 0 turns drop-path off
     */
    public static Trainable of(AudioModel model, double dropPathRate) {
        if (!(dropPathRate >= 0 && dropPathRate < 1)) {
            throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + dropPathRate);
        }
        return switch (model) {
            case MastModel m -> new MastTrainable(m, dropPathRate);
            case AstModel a -> new AstTrainable(a, dropPathRate);
        };
    }
}
