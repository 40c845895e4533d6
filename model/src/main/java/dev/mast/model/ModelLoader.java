package dev.mast.model;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;
import dev.mast.engine.io.Safetensors;
import dev.mast.model.backend.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a MAST or AST model from a safetensors file: our own model files ({@link ModelFile}) and checkpoints of
 * the reference code under timm/LAPE names.
 *
 * <p><b>Names.</b> The backbone is found by looking for {@code patch_embed.proj.weight} under, in order, no prefix,
 * {@code v.} (timm model inside MAST/AST), {@code module.v.} (AST trained with DataParallel), {@code mast_model.v.}
 * (LAPE encoder wrapper), {@code encoder.mast_model.v.} (after LAPE's encoder_q stripping),
 * {@code encoder_q.encoder.mast_model.v.} (SS-MAST student, preferred) and {@code encoder_k.encoder.mast_model.v.}
 * (teacher), each also below a Lightning {@code state_dict.}. The head {@code mlp_head.*} sits beside the
 * {@code v.} module. Unused reference tensors are ignored: MAST's {@code norm.*}, {@code head.fc.*},
 * {@code pos_embed}; AST's {@code head.*}, {@code head_dist.*}. With a wrapper prefix, tensors outside the wrapper
 * are ignored. A config with {@code num_classes} 0 ignores any head.
 *
 * <p><b>Architecture.</b> From {@code --config FILE} when given, else from the file's {@code __metadata__}
 * {@code "config"} string. Missing, unexpected or mis-shaped tensors fail with one {@link FileFormatException}
 * listing all of them.
 */
public final class ModelLoader {
    private static final String PROBE = "patch_embed.proj.weight";
    private static final String[] WRAPPERS = {"", "v.", "module.v.", "mast_model.v.", "encoder.mast_model.v.",
            "encoder_q.encoder.mast_model.v.", "encoder_k.encoder.mast_model.v."};
    private static final Set<String> MAST_IGNORED = Set.of("norm.weight", "norm.bias", "head.fc.weight",
            "head.fc.bias", "pos_embed");
    private static final Set<String> AST_IGNORED = Set.of("head.weight", "head.bias", "head_dist.weight",
            "head_dist.bias");

    private ModelLoader() {}

    /** Loads with the architecture from the file's metadata. */
    public static LoadedModel load(Path weights, Backend backend, LoadOptions options) throws IOException {
        return load(weights, null, backend, options);
    }

    /**
     * @param configFile JSON architecture (overrides the file's metadata), or null
     */
    public static LoadedModel load(Path weights, Path configFile, Backend backend, LoadOptions options)
            throws IOException {
        Safetensors file = Safetensors.open(weights);
        try {
            ModelConfig config = configFile != null ? readConfig(configFile) : configFromMetadata(file);
            ModelInfo info = infoFromMetadata(file);
            String[] prefixes = findPrefixes(file);
            CheckpointWeights src = new CheckpointWeights(file, prefixes[0], prefixes[1], options.copyParameters());
            AudioModel model;
            try {
                model = switch (config) {
                    case MastConfig m -> new MastModel(m, src, backend, options.relPos());
                    case AstConfig a -> new AstModel(a, src, backend);
                };
            } catch (UncheckedIOException e) {
                src.close();
                throw e.getCause();
            } catch (RuntimeException e) {
                src.close();
                throw e;
            }
            try {
                String what = config.architecture().toUpperCase() + " config (" + config.variant() + ")";
                src.verify(what, config instanceof MastConfig ? MAST_IGNORED : AST_IGNORED,
                        config.numClasses() == 0);
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
            return new LoadedModel(model, info);
        } catch (IOException | RuntimeException e) {
            file.close(); // idempotent when the model already closed it
            throw e;
        }
    }

    /** Reads a JSON architecture file; errors name the file. */
    public static ModelConfig readConfig(Path configFile) throws IOException {
        String text;
        try {
            text = Files.readString(configFile);
        } catch (IOException e) {
            throw new FileFormatException(configFile.toString(), "cannot read (" + e.getMessage() + ")");
        }
        try {
            return ModelConfig.parse(text);
        } catch (JsonException e) {
            throw new FileFormatException(configFile.toString(), e.getMessage());
        }
    }

    private static ModelConfig configFromMetadata(Safetensors file) throws FileFormatException {
        String json = file.metadata().get("config");
        if (json == null) {
            throw new FileFormatException(file.source(), "no architecture: the file has no \"config\" in its"
                    + " __metadata__; pass --config FILE");
        }
        try {
            return ModelConfig.parse(json);
        } catch (JsonException e) {
            throw new FileFormatException(file.source(), "__metadata__ config: " + e.getMessage());
        }
    }

    private static ModelInfo infoFromMetadata(Safetensors file) throws FileFormatException {
        Map<String, String> meta = file.metadata();
        try {
            List<String> labels = new ArrayList<>();
            if (meta.containsKey("labels")) {
                for (Object o : JsonFields.asList(Json.parse(meta.get("labels")), "labels")) {
                    labels.add(JsonFields.asString(o, "labels[]"));
                }
            }
            FrontendSettings fe = meta.containsKey("frontend")
                    ? FrontendSettings.fromJson(JsonFields.of(Json.parse(meta.get("frontend")), "frontend")) : null;
            return new ModelInfo(labels, fe);
        } catch (JsonException e) {
            throw new FileFormatException(file.source(), "__metadata__ " + e.getMessage());
        }
    }

    /** {backbone prefix, head prefix} of the first wrapper whose stem weight is present. */
    static String[] findPrefixes(Safetensors file) throws FileFormatException {
        for (String root : new String[] {"", "state_dict."}) {
            for (String w : WRAPPERS) {
                String backbone = root + w;
                if (file.contains(backbone + PROBE)) {
                    String head = backbone.endsWith("v.") ? backbone.substring(0, backbone.length() - 2) : backbone;
                    return new String[] {backbone, head};
                }
            }
        }
        throw new FileFormatException(file.source(), "not a MAST/AST checkpoint: no " + PROBE
                + " under any known prefix (none, v., module.v., mast_model.v., encoder_q.encoder.mast_model.v., ...)");
    }
}
