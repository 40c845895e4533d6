package dev.mast.model;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;

import java.util.Map;

/**
 * The architecture of a model: {@link MastConfig} or {@link AstConfig}. Stored as JSON (in a {@code --config}
 * file or in a safetensors {@code __metadata__} "config" string); the field {@code "architecture"} says which,
 * and defaults to {@code "mast"} (the reference fixtures carry no such field).
 */
public sealed interface ModelConfig permits MastConfig, AstConfig {
    /** "mast" or "ast". */
    String architecture();

    /** The preset name ("tiny", "micro16", ...) or "custom". */
    String variant();

    /** Classes of the task head; 0 means the model has no head (embeddings only). */
    int numClasses();

    /** Mel bins the model was built for (128). */
    int inputFdim();

    /** Frames the model was built (and its tables sized) for. */
    int inputTdim();

    /** Width of the clip embedding (the head's input). */
    int embeddingDim();

    /** The same config with another head size. */
    ModelConfig withNumClasses(int numClasses);

    /** All fields as JSON values, {@code "architecture"} included; {@link #parse} reads it back. */
    Map<String, Object> toJson();

    /** Parses a config from JSON text; errors name the field. */
    static ModelConfig parse(String json) {
        return fromJson(JsonFields.of(Json.parse(json), "config"));
    }

    /** Reads a config from a parsed JSON object. */
    static ModelConfig fromJson(JsonFields f) {
        String arch = f.string("architecture", "mast");
        return switch (arch) {
            case "mast" -> MastConfig.fromJson(f);
            case "ast" -> AstConfig.fromJson(f);
            default -> throw new JsonException(f.path() + ".architecture: unknown architecture \"" + arch
                    + "\" (expected \"mast\" or \"ast\")");
        };
    }
}
