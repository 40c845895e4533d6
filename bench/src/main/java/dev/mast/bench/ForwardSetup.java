package dev.mast.bench;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.RandomInit;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.Backends;
import dev.mast.model.layer.RelPosMode;

import java.util.SplittableRandom;

/**
 * One forward-latency scenario: a MAST model of a named size with random weights (fixed seed), a random
 * spectrogram batch and a reused workspace. Shared by {@link ForwardBenchmark} and {@link ForwardReport}.
 */
final class ForwardSetup implements AutoCloseable {
    private final Backend backend;
    private final MastModel model;
    private final TensorArena arena = new TensorArena();
    private final Workspace ws = new Workspace();
    private final Tensor input;
    private final Tensor logits;

    /**
     * @param size    a {@link MastConfig#preset} name
     * @param stem    7 (MViTv2's 7×7/4/3) or 16 (LAPE's 16×16/10/0)
     * @param backend a {@link Backends} name ("java", "onednn"), or null for the default choice
     */
    ForwardSetup(String size, int stem, int frames, int batch, int threads, String backend) {
        this.backend = Backends.create(backend, threads);
        // Fresh rel-pos tables sized for the benchmarked length: no interpolation in the timed path.
        MastConfig config = MastConfig.preset(size).withStem(stem).withInputSize(128, frames);
        try {
            this.model = new MastModel(config, new RandomInit(42), this.backend, RelPosMode.EXTENDED);
        } catch (RuntimeException e) {
            this.backend.close();
            arena.close();
            ws.close();
            throw e;
        }
        this.input = arena.allocate(batch, frames, 128);
        SplittableRandom rng = new SplittableRandom(7);
        for (long i = 0; i < input.size(); i++) input.setFlat(i, (float) rng.nextGaussian());
        this.logits = arena.allocate(batch, model.numClasses());
    }

    /** The backend's name ("java" or "onednn"; the default choice resolved). */
    String backendName() {
        return backend.name();
    }

    /** One forward pass. */
    void run() {
        model.forward(input, logits, ws);
    }

    @Override
    public void close() {
        ws.close();
        arena.close();
        model.close();
        backend.close();
    }
}
