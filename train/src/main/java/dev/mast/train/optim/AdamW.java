package dev.mast.train.optim;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Parameter;
import dev.mast.train.checkpoint.StateDict;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Adam with decoupled weight decay, step for step what {@code torch.optim.AdamW} (non-foreach, amsgrad off) does to a
 * float32 parameter p with gradient g at its t-th step with learning rate lr:
 * <pre>
 *   p ← p · (1 − lr·λ)                                  decoupled decay (λ = 0 for excluded kinds)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)     ε outside the square root
 * </pre>
 * The scalar factors are computed in double and rounded to float once, as PyTorch does with its Python-float
 * hyper-parameters; the element-wise work is float32.
 *
 * <p>Values and gradients must be contiguous off-heap tensors (what models and {@link Parameter#allocateGrad}
 * allocate). Parameters without a gradient ({@link Parameter#grad()} null) are skipped entirely, like PyTorch's
 * {@code p.grad is None}: no decay and no step count. Each parameter keeps its own step count t for the bias
 * corrections. The moment estimates m and v are off-heap tensors owned by this optimiser (a shared arena freed by
 * {@link #close()}); {@link #state()} exposes them and the step counts for checkpoints and {@link #loadState}
 * restores them.
 *
 * <p>The update is element-wise and every element sees the same float operations whatever the partition, so
 * {@link #step(double, EnginePool)} gives bit-identical results for any thread count.
 */
public final class AdamW implements AutoCloseable {
    /**
     * Hyper-parameters.
     *
     * @param beta1           decay of the first moment (0.9 in PyTorch)
     * @param beta2           decay of the second moment (0.999)
     * @param eps             added to the bias-corrected √v (1e-8)
     * @param weightDecay     decoupled weight decay λ (PyTorch's AdamW default is 0.01)
     * @param noDecay         parameter kinds that get no weight decay
     */
    public record Config(double beta1, double beta2, double eps, double weightDecay, Set<Parameter.Kind> noDecay) {
        /** Biases, LayerNorm affines and relative-position tables: the usual no-decay set for MViTv2/ViT training. */
        public static final Set<Parameter.Kind> NORMS_BIASES_REL_POS =
                Collections.unmodifiableSet(EnumSet.of(Parameter.Kind.BIAS, Parameter.Kind.NORM, Parameter.Kind.REL_POS));

        public Config {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps >= 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("AdamW eps and weight decay must be non-negative, got " + eps + ", "
                        + weightDecay);
            }
            noDecay = noDecay.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(noDecay));
        }

        /** PyTorch's defaults with the given weight decay, applied to every parameter. */
        public static Config of(double weightDecay) {
            return new Config(0.9, 0.999, 1e-8, weightDecay, Set.of());
        }

        /** The same hyper-parameters with {@code kinds} excluded from weight decay. */
        public Config withNoDecay(Set<Parameter.Kind> kinds) {
            return new Config(beta1, beta2, eps, weightDecay, kinds);
        }

        /** The same hyper-parameters with other betas. */
        public Config withBetas(double b1, double b2) {
            return new Config(b1, b2, eps, weightDecay, noDecay);
        }
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Elements per parallel task: large enough to amortise a hand-off, small enough to balance two cores. */
    private static final int CHUNK = 1 << 16;

    /** One contiguous piece of one parameter: the unit of parallel work. */
    private record Chunk(int param, long start, long end) {}

    private final Config config;
    private final List<Parameter> params;
    private final Arena arena = Arena.ofShared();
    private final Tensor[] expAvg;
    private final Tensor[] expAvgSq;
    private final long[] steps;
    private final List<Chunk> chunks = new ArrayList<>();
    /** Per-parameter float factors of the current step, set before the parallel part. */
    private final float[] decayFactor;
    private final float[] negStepSize;
    private final float[] biasCorrection2Sqrt;
    private final boolean[] active;

    /** An optimiser for {@code params} (contiguous values and gradients; names must be unique). */
    public AdamW(List<Parameter> params, Config config) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("AdamW's vector loop assumes a little-endian machine");
        }
        this.config = config;
        this.params = List.copyOf(params);
        int n = this.params.size();
        expAvg = new Tensor[n];
        expAvgSq = new Tensor[n];
        steps = new long[n];
        decayFactor = new float[n];
        negStepSize = new float[n];
        biasCorrection2Sqrt = new float[n];
        active = new boolean[n];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Parameter p = this.params.get(i);
            if (!names.add(p.name())) throw new IllegalArgumentException("parameter '" + p.name() + "' appears twice");
            requireNativeContiguous(p.name(), "parameter", p.value());
            expAvg[i] = Tensor.allocate(arena, p.value().shape());
            expAvgSq[i] = Tensor.allocate(arena, p.value().shape());
            long size = p.value().size();
            for (long s = 0; s < size; s += CHUNK) chunks.add(new Chunk(i, s, Math.min(size, s + CHUNK)));
        }
    }

    public Config config() {
        return config;
    }

    /** The parameters this optimiser updates, in order. */
    public List<Parameter> parameters() {
        return params;
    }

    /** How many steps parameter {@code i} has taken (its t). */
    public long steps(int i) {
        return steps[i];
    }

    /** One step with learning rate {@code lr} on the calling thread. */
    public void step(double lr) {
        prepare(lr);
        for (Chunk c : chunks) update(c);
    }

    /** One step with learning rate {@code lr}, spread over {@code pool}; same result as {@link #step(double)}. */
    public void step(double lr, EnginePool pool) {
        prepare(lr);
        pool.parallelFor(chunks.size(), i -> update(chunks.get(i)));
    }

    private void prepare(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("bad learning rate " + lr);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            active[i] = p.grad() != null;
            if (!active[i]) continue;
            requireNativeContiguous(p.name(), "gradient", p.grad());
            long t = ++steps[i];
            double wd = config.noDecay().contains(p.kind()) ? 0 : config.weightDecay();
            decayFactor[i] = (float) (1 - lr * wd);
            double bc1 = 1 - Math.pow(config.beta1(), t);
            double bc2 = 1 - Math.pow(config.beta2(), t);
            negStepSize[i] = (float) -(lr / bc1);
            biasCorrection2Sqrt[i] = (float) Math.sqrt(bc2);
        }
    }

    private static void requireNativeContiguous(String name, String what, Tensor t) {
        if (!t.isContiguous() || !t.storage().isNative()) {
            throw new IllegalArgumentException(what + " of '" + name + "' must be a contiguous off-heap tensor: " + t);
        }
    }

    private void update(Chunk c) {
        int i = c.param;
        if (!active[i]) return;
        Tensor value = params.get(i).value(), grad = params.get(i).grad();
        MemorySegment p = value.storage(), g = grad.storage(), m = expAvg[i].storage(), v = expAvgSq[i].storage();
        long po = value.offset() * Float.BYTES, go = grad.offset() * Float.BYTES;
        float decay = decayFactor[i], negStep = negStepSize[i], bc2Sqrt = biasCorrection2Sqrt[i];
        float b1 = (float) config.beta1(), b2 = (float) config.beta2();
        float omb1 = (float) (1 - config.beta1()), omb2 = (float) (1 - config.beta2());
        float eps = (float) config.eps();

        long e = c.start;
        long vecEnd = c.start + S.loopBound(c.end - c.start);
        for (; e < vecEnd; e += S.length()) {
            long pb = po + e * Float.BYTES, gb = go + e * Float.BYTES, mb = e * Float.BYTES;
            FloatVector pv = FloatVector.fromMemorySegment(S, p, pb, ByteOrder.LITTLE_ENDIAN).mul(decay);
            FloatVector gv = FloatVector.fromMemorySegment(S, g, gb, ByteOrder.LITTLE_ENDIAN);
            FloatVector mv = FloatVector.fromMemorySegment(S, m, mb, ByteOrder.LITTLE_ENDIAN).mul(b1).add(gv.mul(omb1));
            FloatVector vv = FloatVector.fromMemorySegment(S, v, mb, ByteOrder.LITTLE_ENDIAN).mul(b2)
                    .add(gv.mul(omb2).mul(gv));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            pv = pv.add(mv.div(denom).mul(negStep));
            pv.intoMemorySegment(p, pb, ByteOrder.LITTLE_ENDIAN);
            mv.intoMemorySegment(m, mb, ByteOrder.LITTLE_ENDIAN);
            vv.intoMemorySegment(v, mb, ByteOrder.LITTLE_ENDIAN);
        }
        for (; e < c.end; e++) {
            long pb = po + e * Float.BYTES, gb = go + e * Float.BYTES, mb = e * Float.BYTES;
            float gs = g.get(F, gb);
            float ps = p.get(F, pb) * decay;
            float ms = m.get(F, mb) * b1 + gs * omb1;
            float vs = v.get(F, mb) * b2 + gs * omb2 * gs;
            float denom = (float) Math.sqrt(vs) / bc2Sqrt + eps;
            p.set(F, pb, ps + ms / denom * negStep);
            m.set(F, mb, ms);
            v.set(F, mb, vs);
        }
    }

    /**
     * The optimiser state for a checkpoint: tensors {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} (views of
     * this optimiser's memory, valid until {@link #close()}) and metadata {@code step.<name>}.
     */
    public StateDict state() {
        StateDict s = new StateDict();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            s.put("exp_avg." + name, expAvg[i]);
            s.put("exp_avg_sq." + name, expAvgSq[i]);
            s.putMetadata("step." + name, Long.toString(steps[i]));
        }
        return s;
    }

    /** Restores what {@link #state()} saved; every parameter must be present with its shape. */
    public void loadState(StateDict state) throws FileFormatException {
        long[] loadedSteps = new long[params.size()];
        Tensor[] m = new Tensor[params.size()], v = new Tensor[params.size()];
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            int[] shape = params.get(i).value().shape();
            m[i] = state.tensor("exp_avg." + name, shape);
            v[i] = state.tensor("exp_avg_sq." + name, shape);
            loadedSteps[i] = state.metadataLong("step." + name);
            if (loadedSteps[i] < 0) {
                throw new FileFormatException(state.source(), "negative step count for '" + name + "'");
            }
        }
        // Validated everything first, so a bad file leaves the optimiser untouched.
        for (int i = 0; i < params.size(); i++) {
            expAvg[i].copyFrom(m[i]);
            expAvgSq[i].copyFrom(v[i]);
            steps[i] = loadedSteps[i];
        }
    }

    /** Frees the moment tensors. */
    @Override
    public void close() {
        arena.close();
    }
}
