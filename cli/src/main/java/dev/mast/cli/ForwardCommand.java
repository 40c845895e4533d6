package dev.mast.cli;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.AudioModel;
import dev.mast.model.LoadOptions;
import dev.mast.model.LoadedModel;
import dev.mast.model.ModelLoader;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.Backends;
import dev.mast.model.layer.RelPosMode;

import java.nio.file.Path;
import java.util.Arrays;

/** {@code mast forward}: runs a MAST or AST model on a spectrogram batch from a .npy file. */
public final class ForwardCommand implements Command {
    @Override
    public String name() {
        return "forward";
    }

    @Override
    public String summary() {
        return "run a model on a (B, T, 128) spectrogram batch (.npy) and write the logits";
    }

    @Override
    public String help() {
        return """
                Usage: mast forward --weights W.safetensors [--config C.json] --input X.npy --out Y.npy [OPTIONS]

                Runs a MAST or AST model on a batch of log-mel spectrograms and writes the logits.

                  --weights FILE    safetensors weights: our model file, or a timm/LAPE/AST checkpoint
                                    (prefixes v., mast_model.v., encoder_q.encoder.mast_model.v., state_dict. ...)
                  --config FILE     architecture as JSON (default: the "config" in the file's __metadata__)
                  --input FILE      float32 .npy of shape (B, T, F): B clips, T frames, F mel bins
                  --out FILE        float32 .npy written with the (B, K) logits
                  --embed           write the (B, D) clip embeddings (pooled features before the head) instead
                  --threads N       threads to use (default: all processors)
                  --backend NAME    %s
                  --rel-pos MODE    MAST clips longer than the rel-pos tables: 'extended' (default) resamples
                                    the tables linearly, 'strict' rejects the clip as the reference does
                """.formatted(BackendOption.HELP);
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(name()).values("weights", "config", "input", "out", "threads", "rel-pos", "backend")
                .flags("embed").parse(argv);
        if (!args.positional().isEmpty()) {
            throw new UsageException(name(), "unexpected argument '" + args.positional().getFirst() + "'");
        }
        Path weights = Path.of(args.require("weights"));
        Path config = args.has("config") ? Path.of(args.get("config")) : null;
        Path input = Path.of(args.require("input"));
        Path out = Path.of(args.require("out"));
        int threads = args.getInt("threads", EnginePool.defaultThreads());
        if (threads < 1) throw new UsageException(name(), "--threads must be at least 1");
        RelPosMode mode = switch (args.get("rel-pos", "extended")) {
            case "extended" -> RelPosMode.EXTENDED;
            case "strict" -> RelPosMode.STRICT;
            default -> throw new UsageException(name(), "--rel-pos must be 'extended' or 'strict'");
        };
        boolean embed = args.has("embed");
        String backendName = BackendOption.parse(args, name());

        NpyArray x = Npy.read(input);
        if (x.shape().length != 3) {
            throw new IllegalArgumentException(input + ": expected a (B, T, F) spectrogram batch, got shape "
                    + Arrays.toString(x.shape()));
        }
        try (Backend backend = Backends.create(backendName, threads);
             LoadedModel loaded = ModelLoader.load(weights, config, backend, LoadOptions.defaults().withRelPos(mode));
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            AudioModel model = loaded.model();
            Tensor in = x.toTensor(arena);
            int batch = x.shape()[0];
            Tensor y;
            if (embed) {
                y = arena.allocate(batch, model.embeddingDim());
                model.embed(in, y, ws);
            } else {
                if (model.numClasses() == 0) {
                    throw new IllegalArgumentException(weights + ": the model has no classification head"
                            + " (num_classes 0); use --embed");
                }
                y = arena.allocate(batch, model.numClasses());
                model.forward(in, y, ws);
            }
            Npy.write(out, y);
        }
        return 0;
    }
}
