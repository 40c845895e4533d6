package dev.mast.model;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.io.Safetensors;
import dev.mast.engine.io.SafetensorsEntry;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.ParameterSource;
import dev.mast.model.layer.ParameterSpec;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parameters from a safetensors checkpoint, looked up under a wrapper prefix. While a model is built it records
 * every problem instead of failing at the first (a missing or mis-shaped tensor gets a zero placeholder), so that
 * {@link #verify} can report all of them in one error, together with the tensors nobody asked for.
 *
 * <p>Owns the open file (F32 parameters may be views of its mapping) and an arena for converted or copied values.
 */
final class CheckpointWeights implements ParameterSource {
    private static final String HEAD = "mlp_head.";

    private final Safetensors file;
    private final String backbonePrefix;
    private final String headPrefix;
    private final boolean copy;
    private final Arena arena = Arena.ofShared();
    private final Set<String> used = new HashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> misshaped = new ArrayList<>();

    /**
     * @param backbonePrefix prefix of backbone names in the file (e.g. {@code v.})
     * @param headPrefix     prefix of {@code mlp_head.*} names in the file
     * @param copy           copy every value into owned memory (otherwise F32 values are zero-copy views)
     */
    CheckpointWeights(Safetensors file, String backbonePrefix, String headPrefix, boolean copy) {
        this.file = file;
        this.backbonePrefix = backbonePrefix;
        this.headPrefix = headPrefix;
        this.copy = copy;
    }

    private String key(String name) {
        return (name.startsWith(HEAD) ? headPrefix : backbonePrefix) + name;
    }

    @Override
    public Tensor take(ParameterSpec spec) {
        String key = key(spec.name());
        SafetensorsEntry e = file.entry(key);
        if (e == null) {
            missing.add(key + Shapes.toString(spec.shape()));
            return Tensor.allocate(arena, spec.shape());
        }
        used.add(key);
        int[] want = spec.shape(), have = e.shape();
        boolean shapeOk = Arrays.equals(want, have) || (spec.anyRows() && have.length == want.length
                && have[0] >= 1 && Arrays.equals(have, 1, have.length, want, 1, want.length));
        if (!shapeOk || !e.dtype().isFloat()) {
            misshaped.add(key + " " + e.dtype() + Shapes.toString(have) + " (expected F32"
                    + (spec.anyRows() ? "[R" + Shapes.toString(want).substring(Shapes.toString(want).indexOf(','))
                    : Shapes.toString(want)) + ")");
            return Tensor.allocate(arena, spec.shape());
        }
        try {
            Tensor t = file.tensor(key, arena);
            return copy && file.isZeroCopy(key) ? Tensor.allocate(arena, have).copyFrom(t) : t;
        } catch (FileFormatException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Fails with one error listing every missing, mis-shaped and unexpected tensor. Names under the backbone
     * prefix ending in one of {@code ignored} (unused parts of the reference model) are not unexpected. With a
     * wrapper prefix, names outside the wrapper (teacher encoder, projector, queues...) are skipped; without one,
     * every name must belong to the model.
     *
     * @param dropHead true when the model has no head: {@code mlp_head.*} tensors are skipped
     */
    void verify(String what, Set<String> ignored, boolean dropHead) throws FileFormatException {
        List<String> unexpected = new ArrayList<>();
        for (String name : file.names()) {
            if (used.contains(name)) continue;
            boolean inHead = name.startsWith(headPrefix + HEAD);
            boolean inBackbone = name.startsWith(backbonePrefix) && !inHead;
            if (inHead && dropHead) continue;
            if (inBackbone && ignored.contains(name.substring(backbonePrefix.length()))) continue;
            if (!inHead && !inBackbone) continue;
            unexpected.add(name);
        }
        if (missing.isEmpty() && misshaped.isEmpty() && unexpected.isEmpty()) return;
        StringBuilder sb = new StringBuilder("weights do not match the " + what + ":");
        append(sb, "missing", missing);
        append(sb, "mis-shaped", misshaped);
        append(sb, "unexpected", unexpected);
        throw new FileFormatException(file.source(), sb.toString());
    }

    private static void append(StringBuilder sb, String label, List<String> items) {
        if (items.isEmpty()) return;
        sb.append(' ').append(label).append(' ').append(items.size()).append(": ").append(String.join(", ", items))
                .append(';');
    }

    @Override
    public void close() {
        arena.close();
        file.close();
    }
}
