package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;
import dev.mast.model.backend.Backend;

import java.util.List;

/**
 * LayerNorm over the last axis with learned gain and offset ({@code NAME.weight} = γ, {@code NAME.bias} = β):
 * {@code y = (x − mean)/√(var + eps)·γ + β}, biased variance.
 */
public final class Norm implements Layer {
    private final Parameter gamma;
    private final Parameter beta;
    private final float eps;

    public Norm(String name, int dim, double eps, ParameterSource src) {
        this.gamma = new Parameter(name + ".weight", Parameter.Kind.NORM,
                src.take(ParameterSpec.of(name + ".weight", Parameter.Kind.NORM, ParameterSpec.Init.ONES, dim)));
        this.beta = new Parameter(name + ".bias", Parameter.Kind.NORM,
                src.take(ParameterSpec.of(name + ".bias", Parameter.Kind.NORM, ParameterSpec.Init.ZEROS, dim)));
        this.eps = (float) eps;
    }

    public float eps() {
        return eps;
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    /** x, y [..., dim], contiguous; y may be x. */
    public void forward(Backend backend, Tensor x, Tensor y) {
        backend.layerNorm(x, gamma.value(), beta.value(), eps, y);
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        out.add(gamma);
        out.add(beta);
    }
}
