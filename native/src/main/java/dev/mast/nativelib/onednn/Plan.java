package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.mast.jextract.dnnl.dnnl_h.DNNL_ARG_WEIGHTS;
import static dev.mast.jextract.dnnl.dnnl_h.dnnl_unimplemented;

/**
 * One operation compiled for one set of argument shapes and strides: the oneDNN primitive that computes it and,
 * when oneDNN has no fast implementation for the arguments' strides, the reorders that copy those arguments to and
 * from dense buffers around it.
 *
 * <p>Arguments are numbered: the tensors of the call ({@code 0..n-1}), whose buffers {@link #run} receives, and
 * constants bound at build time (packed weights, biases). A tensor argument is used in place ("zero copy") when
 * oneDNN runs an optimised implementation on its strides; otherwise it is staged: inputs are reordered into a
 * dense buffer before the primitive runs and outputs reordered back after. Staging buffers and the primitives'
 * scratchpads are carved from the engine's scratch memory, so a plan owns only oneDNN objects.
 */
final class Plan implements AutoCloseable {
    /** How the operation uses a tensor argument. */
    enum Role { IN, OUT, IN_OUT }

    /** Where a primitive argument's buffer comes from. */
    private static final int CONSTANT = -1;

    /** Builds the main primitive for the given views of the tensor arguments. */
    @FunctionalInterface
    interface Compiler {
        /**
         * @param views one per tensor argument: its own view, or a dense view of a staging copy
         * @return null when oneDNN has no implementation for these views
         */
        Main compile(View[] views);
    }

    /**
     * The main primitive and where each of its arguments comes from.
     *
     * @param sources   per primitive argument: the index of the tensor argument, or -1 for a constant
     * @param constants per primitive argument: the constant buffer (null where {@code sources} names a tensor)
     */
    record Main(Primitive primitive, int[] sources, MemorySegment[] constants) {}

    /** A primitive and the buffer of each of its arguments: a tensor (>= 0), a staging buffer (< -1), a constant. */
    private record Step(Primitive primitive, int[] sources, MemorySegment[] constants) {}

    private final List<Step> steps;
    private final long[] stagingOffsets;
    /** Engine scratch bytes one run needs: the largest scratchpad, then the staging buffers. */
    final long scratchBytes;
    private final long scratchpadBytes;
    /** What runs, e.g. "brg_matmul:avx512_core", or "jit:uni -> jit:uni -> jit:uni (staged arguments 0, 3)". */
    final String description;

    private Plan(List<Step> steps, long[] stagingOffsets, long stagingBytes, String description) {
        this.steps = steps;
        this.stagingOffsets = stagingOffsets;
        long pad = 0;
        for (Step s : steps) pad = Math.max(pad, s.primitive.scratchpadBytes);
        this.scratchpadBytes = align(pad);
        this.scratchBytes = scratchpadBytes + stagingBytes;
        this.description = description;
    }

    /**
     * Compiles an operation: in place on the tensors' own strides when oneDNN has an optimised implementation for
     * them, else with the non-dense tensors staged through dense copies.
     */
    static Plan build(DnnlEngine engine, String what, Tensor[] tensors, Role[] roles, Compiler compiler) {
        View[] views = new View[tensors.length];
        boolean allDense = true;
        for (int i = 0; i < tensors.length; i++) {
            views[i] = View.of(tensors[i]);
            allDense &= views[i].isDense();
        }
        Main direct = compiler.compile(views);
        if (direct != null && (!direct.primitive.isReference() || allDense)) {
            return new Plan(List.of(new Step(direct.primitive, direct.sources, direct.constants)), new long[0], 0,
                    direct.primitive.implementation);
        }
        if (direct != null) direct.primitive.close();
        if (allDense) throw unimplemented(what);

        View[] dense = new View[tensors.length];
        long[] offsets = new long[tensors.length];
        long staging = 0;
        StringBuilder staged = new StringBuilder();
        for (int i = 0; i < tensors.length; i++) {
            if (views[i].isDense()) {
                dense[i] = views[i];
                offsets[i] = -1;
            } else {
                dense[i] = View.dense(views[i].dims());
                offsets[i] = staging;
                staging += align(tensors[i].size() * Float.BYTES);
                staged.append(staged.isEmpty() ? "" : ", ").append(i);
            }
        }
        Main main = compiler.compile(dense);
        if (main == null) throw unimplemented(what);
        List<Step> steps = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        try {
            for (int i = 0; i < tensors.length; i++) {
                if (offsets[i] < 0) continue;
                try (MemoryDesc user = MemoryDesc.of(views[i]); MemoryDesc copy = MemoryDesc.of(dense[i])) {
                    if (roles[i] != Role.OUT) {
                        steps.add(new Step(Primitive.reorder(engine.handle(), user.handle, copy.handle,
                                "staging " + views[i]), new int[] {i, staged(i)}, new MemorySegment[2]));
                    }
                    if (roles[i] != Role.IN) {
                        after.add(new Step(Primitive.reorder(engine.handle(), copy.handle, user.handle,
                                "staging " + views[i]), new int[] {staged(i), i}, new MemorySegment[2]));
                    }
                }
            }
        } catch (RuntimeException e) {
            main.primitive.close();
            for (Step s : steps) s.primitive.close();
            for (Step s : after) s.primitive.close();
            throw e;
        }
        int[] sources = main.sources.clone();
        for (int j = 0; j < sources.length; j++) {
            if (sources[j] >= 0 && offsets[sources[j]] >= 0) sources[j] = staged(sources[j]);
        }
        steps.add(new Step(main.primitive, sources, main.constants));
        steps.addAll(after);
        StringBuilder description = new StringBuilder();
        for (Step s : steps) {
            description.append(description.isEmpty() ? "" : " -> ").append(s.primitive.implementation);
        }
        return new Plan(steps, offsets, staging, description + " (staged arguments " + staged + ")");
    }

    /** The weights in the layout primitive {@code p} reads; closes {@code p} if packing fails. */
    static MemorySegment packedFor(Primitive p, PackedWeights weights, String what) {
        try {
            return weights.in(p.argDesc(DNNL_ARG_WEIGHTS()), what);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static DnnlException unimplemented(String what) {
        return new DnnlException("oneDNN has no implementation for " + what, dnnl_unimplemented());
    }

    private static int staged(int tensor) {
        return -2 - tensor;
    }

    /** Runs the plan on the tensors' buffers; {@code scratch} holds at least {@link #scratchBytes}. */
    void run(MemorySegment stream, MemorySegment[] tensors, MemorySegment scratch) {
        MemorySegment scratchpad = scratch.asSlice(0, scratchpadBytes);
        for (Step step : steps) {
            MemorySegment[] buffers = new MemorySegment[step.sources.length];
            for (int j = 0; j < buffers.length; j++) {
                int s = step.sources[j];
                if (s >= 0) {
                    buffers[j] = tensors[s];
                } else if (s == CONSTANT) {
                    buffers[j] = step.constants[j];
                } else {
                    buffers[j] = scratch.asSlice(scratchpadBytes + stagingOffsets[-2 - s]);
                }
            }
            step.primitive.execute(stream, buffers, scratchpad);
        }
    }

    static long align(long bytes) {
        return (bytes + Tensor.ALIGNMENT - 1) & -Tensor.ALIGNMENT;
    }

    @Override
    public void close() {
        for (Step s : steps) s.primitive.close();
    }
}
