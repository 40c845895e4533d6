package dev.mast.model;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.SafetensorsWriter;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Parameter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our own model file: a safetensors file with every parameter under its timm/LAPE name (no prefix) and
 * {@code __metadata__} strings {@code format} = {@value #FORMAT}, {@code config} (the architecture as JSON),
 * {@code labels} (a JSON array of class names) and {@code frontend} (a JSON object, see
 * {@link FrontendSettings}), so that classifying needs nothing but this file. Read it with {@link ModelLoader}.
 */
public final class ModelFile {
    public static final String FORMAT = "mast-model-v1";

    private ModelFile() {}

    /** Writes {@code model} and {@code info} to {@code file} atomically. */
    public static void save(Path file, AudioModel model, ModelInfo info) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) tensors.put(p.name(), p.value());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("config", Json.write(model.config().toJson()));
        meta.put("labels", Json.write(info.labels()));
        if (info.frontend() != null) meta.put("frontend", Json.write(info.frontend().toJson()));
        SafetensorsWriter.write(file, tensors, meta);
    }
}
