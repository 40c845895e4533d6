package dev.mast.model.layer;

import dev.mast.engine.tensor.Shapes;

/**
 * What a layer asks a {@link ParameterSource} for: a name (timm/LAPE naming, without any wrapper prefix), a kind,
 * a shape and how a fresh model initialises it (spec §2.13).
 *
 * @param anyRows true when the first dimension may differ from {@code shape[0]} (relative-position tables: an
 *                imported table keeps the length it was trained with; {@code shape[0]} is the length of a fresh one)
 * @param fanIn   input size for {@link Init#UNIFORM_FAN_IN}
 */
public record ParameterSpec(String name, Parameter.Kind kind, int[] shape, Init init, int fanIn, boolean anyRows) {
    /** How a fresh (randomly initialised) model fills a parameter. */
    public enum Init {
        ZEROS,
        ONES,
        /** Truncated normal, std 0.02, cut at ±2 std (timm's Linear weights, rel-pos tables, tokens). */
        TRUNC_NORMAL,
        /** Uniform in ±1/√fanIn (PyTorch's Conv2d default, for both weight and bias). */
        UNIFORM_FAN_IN
    }

    public static ParameterSpec of(String name, Parameter.Kind kind, Init init, int... shape) {
        return new ParameterSpec(name, kind, shape, init, 0, false);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + Shapes.toString(shape);
    }
}
