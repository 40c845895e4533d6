package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.mast.jextract.dnnl.dnnl_h.DNNL_ARG_WEIGHTS;
import static dev.mast.jextract.dnnl.dnnl_h.dnnl_memory_desc_get_size;
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
     * @param convert   per primitive argument: true when the tensor argument must first be reordered into the
     *                  layout the primitive chose for it ({@code format_tag_any}; e.g. weights passed per call)
     */
    record Main(Primitive primitive, int[] sources, MemorySegment[] constants, boolean[] convert) {
        /** No argument needs converting. */
        Main(Primitive primitive, int[] sources, MemorySegment[] constants) {
            this(primitive, sources, constants, new boolean[sources.length]);
        }
    }

    /**
     * A primitive and the buffer of each of its arguments: a tensor (>= 0), a staging buffer (< -1), a constant.
     * {@code buffers} is the argument array {@link #run} fills, reused at every call (plans run under the engine's
     * lock) and cleared after it.
     */
    private record Step(Primitive primitive, int[] sources, MemorySegment[] constants, MemorySegment[] buffers) {
        Step(Primitive primitive, int[] sources, MemorySegment[] constants) {
            this(primitive, sources, constants, new MemorySegment[sources.length]);
        }
    }

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
     * them, else with the non-dense tensors staged through dense copies. Arguments the compiler marks for
     * conversion are reordered into the primitive's layout before it runs.
     */
    static Plan build(DnnlEngine engine, String what, Tensor[] tensors, Role[] roles, Compiler compiler) {
        View[] views = new View[tensors.length];
        for (int i = 0; i < tensors.length; i++) views[i] = View.of(tensors[i]);
        return build(engine, what, tensors, views, roles, compiler);
    }

    /**
     * As {@link #build(DnnlEngine, String, Tensor[], Role[], Compiler)} with the views oneDNN sees given: the
     * tensors' own, or the same elements under other dimensions (e.g. a [C, 1, 3, 3] weight as grouped
     * [C, 1, 1, 3, 3]).
     */
    static Plan build(DnnlEngine engine, String what, Tensor[] tensors, View[] views, Role[] roles,
                      Compiler compiler) {
        boolean allDense = true;
        for (View v : views) allDense &= v.isDense();
        boolean[] staged = new boolean[tensors.length];
        Main main = compiler.compile(views);
        if (main == null || (main.primitive.isReference() && !allDense)) {
            if (main != null) main.primitive.close();
            if (allDense) throw unimplemented(what);
            View[] dense = new View[tensors.length];
            for (int i = 0; i < tensors.length; i++) {
                staged[i] = !views[i].isDense();
                dense[i] = staged[i] ? View.dense(views[i].dims()) : views[i];
            }
            main = compiler.compile(dense);
            if (main == null) throw unimplemented(what);
        }
        try {
            return assemble(engine, tensors, views, roles, staged, main);
        } catch (RuntimeException e) {
            main.primitive.close();
            throw e;
        }
    }

    /**
     * The steps around the main primitive: staging copies of the {@code staged} tensors (in before, out after)
     * and conversions of the arguments it asked for. Staging slot i holds tensor i's dense copy; slot
     * {@code tensors + j} the converted primitive argument j.
     */
    private static Plan assemble(DnnlEngine engine, Tensor[] tensors, View[] views, Role[] roles, boolean[] staged,
                                 Main main) {
        int n = tensors.length;
        long[] offsets = new long[n + main.sources.length];
        long staging = 0;
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        StringBuilder stagedList = new StringBuilder();
        try {
            for (int i = 0; i < n; i++) {
                if (!staged[i]) continue;
                offsets[i] = staging;
                staging += align(tensors[i].size() * Float.BYTES);
                stagedList.append(stagedList.isEmpty() ? "" : ", ").append(i);
                try (MemoryDesc user = MemoryDesc.of(views[i]);
                     MemoryDesc copy = MemoryDesc.of(View.dense(views[i].dims()))) {
                    if (roles[i] != Role.OUT) {
                        before.add(new Step(Primitive.reorder(engine.handle(), user.handle, copy.handle,
                                "staging " + views[i]), new int[] {i, slot(i)}, new MemorySegment[2]));
                    }
                    if (roles[i] != Role.IN) {
                        after.add(new Step(Primitive.reorder(engine.handle(), copy.handle, user.handle,
                                "staging " + views[i]), new int[] {slot(i), i}, new MemorySegment[2]));
                    }
                }
            }
            int[] sources = main.sources.clone();
            for (int j = 0; j < sources.length; j++) {
                if (sources[j] >= 0 && staged[sources[j]]) sources[j] = slot(sources[j]);
            }
            boolean converted = false;
            for (int j = 0; j < sources.length; j++) {
                if (!main.convert[j]) continue;
                int t = main.sources[j];
                if (t < 0 || roles[t] != Role.IN) {
                    throw new IllegalArgumentException("only input tensors can be converted, argument " + j);
                }
                MemorySegment want = main.primitive.argDesc(main.primitive.kind(j));
                try (MemoryDesc have = MemoryDesc.of(staged[t] ? View.dense(views[t].dims()) : views[t])) {
                    if (have.sameAs(want)) continue;
                    offsets[n + j] = staging;
                    staging += align(dnnl_memory_desc_get_size(want));
                    before.add(new Step(Primitive.reorder(engine.handle(), have.handle, want,
                            "converting " + views[t]), new int[] {sources[j], slot(n + j)}, new MemorySegment[2]));
                    sources[j] = slot(n + j);
                    converted = true;
                }
            }
            List<Step> steps = new ArrayList<>(before);
            steps.add(new Step(main.primitive, sources, main.constants));
            steps.addAll(after);
            if (steps.size() == 1) return new Plan(steps, offsets, 0, main.primitive.implementation);
            StringBuilder description = new StringBuilder();
            for (Step s : steps) {
                description.append(description.isEmpty() ? "" : " -> ").append(s.primitive.implementation);
            }
            if (!stagedList.isEmpty()) description.append(" (staged arguments ").append(stagedList).append(')');
            if (converted) description.append(" (converted per call)");
            return new Plan(steps, offsets, staging, description.toString());
        } catch (RuntimeException e) {
            for (Step s : before) s.primitive.close();
            for (Step s : after) s.primitive.close();
            throw e;
        }
    }

    /**
     * The weights in the layout primitive {@code p} reads (a new layout is packed on {@code engine}); closes
     * {@code p} if packing fails.
     */
    static MemorySegment packedFor(DnnlEngine engine, Primitive p, PackedWeights weights, String what) {
        try {
            return weights.in(engine, p.argDesc(DNNL_ARG_WEIGHTS()), what);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static DnnlException unimplemented(String what) {
        return new DnnlException("oneDNN has no implementation for " + what, dnnl_unimplemented());
    }

    /** The source index of staging slot {@code slot}. */
    private static int slot(int slot) {
        return -2 - slot;
    }

    /** Runs the plan on the tensors' buffers; {@code scratch} holds at least {@link #scratchBytes}. */
    void run(MemorySegment stream, MemorySegment[] tensors, MemorySegment scratch) {
        MemorySegment scratchpad = scratch.asSlice(0, scratchpadBytes);
        for (Step step : steps) {
            MemorySegment[] buffers = step.buffers;
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
            Arrays.fill(buffers, null); // hold no caller memory between calls
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
