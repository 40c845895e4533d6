package dev.mast.train.checkpoint;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float32 tensors plus string metadata: the in-memory form of a checkpoint file. Names follow the
 * safetensors / PyTorch convention of dot-separated paths ({@code model.stages.0.blocks.0.norm1.weight},
 * {@code optimizer.exp_avg.stages...}); {@link #put(String, StateDict)} and {@link #under(String)} add and strip such
 * prefixes so that each component (model, optimizer, loop counters) reads and writes its own part.
 *
 * <p>The tensors are views: a state dict does not own memory. Lookups of missing entries throw
 * {@link FileFormatException} naming {@link #source()}, because a missing entry almost always means the checkpoint
 * file is not what the caller expected.
 */
public final class StateDict {
    private final String source;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An empty state dict. */
    public StateDict() {
        this("state");
    }

    /** @param source where the entries come from (a file name), for error messages */
    public StateDict(String source) {
        this.source = source;
    }

    public String source() {
        return source;
    }

    /** Adds a tensor; a name may be used once. */
    public StateDict put(String name, Tensor tensor) {
        if (tensors.putIfAbsent(name, tensor) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' is already in the state dict");
        }
        return this;
    }

    /** Adds a metadata entry (replacing an earlier value of the same key). */
    public StateDict putMetadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds every tensor and metadata entry of {@code part} with {@code prefix + "."} in front of its name. */
    public StateDict put(String prefix, StateDict part) {
        part.tensors.forEach((k, v) -> put(prefix + "." + k, v));
        part.metadata.forEach((k, v) -> putMetadata(prefix + "." + k, v));
        return this;
    }

    /** The entries whose names start with {@code prefix + "."}, with that prefix removed. */
    public StateDict under(String prefix) {
        String p = prefix + ".";
        StateDict out = new StateDict(source);
        tensors.forEach((k, v) -> {
            if (k.startsWith(p)) out.tensors.put(k.substring(p.length()), v);
        });
        metadata.forEach((k, v) -> {
            if (k.startsWith(p)) out.metadata.put(k.substring(p.length()), v);
        });
        return out;
    }

    /** The tensor called {@code name}. */
    public Tensor tensor(String name) throws FileFormatException {
        Tensor t = tensors.get(name);
        if (t == null) throw new FileFormatException(source, "no tensor '" + name + "'");
        return t;
    }

    /** The tensor called {@code name}, which must have {@code shape}. */
    public Tensor tensor(String name, int[] shape) throws FileFormatException {
        Tensor t = tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new FileFormatException(source, "tensor '" + name + "' has shape " + t.shapeString() + ", expected "
                    + Shapes.toString(shape));
        }
        return t;
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** The metadata value of {@code key}. */
    public String metadata(String key) throws FileFormatException {
        String v = metadata.get(key);
        if (v == null) throw new FileFormatException(source, "no metadata entry '" + key + "'");
        return v;
    }

    /** The metadata value of {@code key} as a long. */
    public long metadataLong(String key) throws FileFormatException {
        String v = metadata(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new FileFormatException(source, "metadata entry '" + key + "' is not an integer: '" + v + "'");
        }
    }

    /** The metadata value of {@code key} as a double. */
    public double metadataDouble(String key) throws FileFormatException {
        String v = metadata(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new FileFormatException(source, "metadata entry '" + key + "' is not a number: '" + v + "'");
        }
    }

    public boolean hasMetadata(String key) {
        return metadata.containsKey(key);
    }

    /** All tensors in insertion order (read-only). */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** All metadata in insertion order (read-only). */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }
}
