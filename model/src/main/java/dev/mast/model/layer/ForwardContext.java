package dev.mast.model.layer;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;

/** What one forward call carries through the layers: the backend, the call's scratch memory and an optional probe. */
public record ForwardContext(Backend backend, Workspace ws, ForwardProbe probe) {
    /** Hands {@code value} to the probe, if there is one. */
    public void record(String name, Tensor value) {
        if (probe != null) probe.record(name, value);
    }

    public boolean probing() {
        return probe != null;
    }
}
