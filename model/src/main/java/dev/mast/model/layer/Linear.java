package dev.mast.model.layer;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.LinearOp;

import java.util.List;

/**
 * A linear layer {@code y = x·Wᵀ + b} with PyTorch's weight layout [out, in] (parameters {@code NAME.weight},
 * {@code NAME.bias}). The forward pass runs on a backend-prepared copy of the weight ({@link LinearOp}).
 */
public final class Linear implements Layer {
    private final Backend backend;
    private final Parameter weight;
    private final Parameter bias;
    private LinearOp op;

    /** Parameters {@code name.weight} [out, in] and, if {@code withBias}, {@code name.bias} [out]. */
    public Linear(String name, int in, int out, boolean withBias, ParameterSource src, Backend backend) {
        this.backend = backend;
        this.weight = new Parameter(name + ".weight", Parameter.Kind.WEIGHT,
                src.take(ParameterSpec.of(name + ".weight", Parameter.Kind.WEIGHT, ParameterSpec.Init.TRUNC_NORMAL,
                        out, in)));
        this.bias = withBias ? new Parameter(name + ".bias", Parameter.Kind.BIAS,
                src.take(ParameterSpec.of(name + ".bias", Parameter.Kind.BIAS, ParameterSpec.Init.ZEROS, out)))
                : null;
        this.op = backend.linear(weight.value(), bias == null ? null : bias.value());
    }

    public int inFeatures() {
        return weight.value().dim(1);
    }

    public int outFeatures() {
        return weight.value().dim(0);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    /** y = epilogue(x·Wᵀ + b): x [..., in], y [..., out], contiguous. */
    public void forward(Tensor x, Tensor y, Epilogue epilogue) {
        op.forward(x, y, epilogue);
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        out.add(weight);
        if (bias != null) out.add(bias);
    }

    @Override
    public void repack() {
        LinearOp fresh = backend.linear(weight.value(), bias == null ? null : bias.value());
        op.close();
        op = fresh;
    }

    @Override
    public void close() {
        op.close();
    }
}
