package dev.mast.model;

import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How audio becomes the model's input, stored in a model file so that classifying needs nothing else (spec §1):
 * the front end ("kaldi": AST's fbank, spec §1.1; "librosa": LAPE's log-mel, spec §1.3), the sample rate, the
 * clip length in frames the input is padded or cropped to, and the normalisation {@code (x − mean) / std}
 * applied afterwards (for AST's recipe, store std = 2·σ of the data set).
 */
public record FrontendSettings(String frontend, int sampleRate, int targetLength, float normMean, float normStd) {
    public FrontendSettings {
        if (!frontend.equals("kaldi") && !frontend.equals("librosa")) {
            throw new JsonException("frontend: unknown front end \"" + frontend + "\" (expected kaldi or librosa)");
        }
        if (sampleRate < 1 || targetLength < 1 || !(normStd > 0) || !Float.isFinite(normMean)) {
            throw new JsonException("frontend: sample_rate and target_length must be positive, norm_std > 0");
        }
    }

    /** AST's Speech Commands recipe: Kaldi fbank, 16 kHz, 128 frames, mean −6.845978, 2·σ = 2·5.5654526. */
    public static FrontendSettings speechCommands() {
        return new FrontendSettings("kaldi", 16000, 128, -6.845978f, 2 * 5.5654526f);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frontend", frontend);
        m.put("sample_rate", sampleRate);
        m.put("target_length", targetLength);
        m.put("norm_mean", normMean);
        m.put("norm_std", normStd);
        return m;
    }

    public static FrontendSettings fromJson(JsonFields f) {
        return new FrontendSettings(f.string("frontend"), (int) f.integer("sample_rate", 1, 1 << 24),
                (int) f.integer("target_length", 1, 1 << 24), (float) f.number("norm_mean"),
                (float) f.number("norm_std"));
    }
}
