package dev.mast.cli;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.features.FeatureNormalizer;

import java.util.Locale;

/** Parses the front-end options shared by {@code fbank} and {@code fbank-stats}. */
final class FrontEndOptions {
    private FrontEndOptions() {}

    /** {@code --frontend kaldi|librosa} (default kaldi) and {@code --target-length N} (default: keep all frames). */
    static AudioFrontEnd parse(Args args, String command) {
        String name = args.get("frontend", "kaldi").toLowerCase(Locale.ROOT);
        AudioFrontEnd fe = switch (name) {
            case "kaldi" -> AudioFrontEnd.kaldi();
            case "librosa" -> AudioFrontEnd.librosa();
            default -> throw new UsageException(command, "--frontend must be kaldi or librosa, got '" + name + "'");
        };
        if (args.has("target-length")) {
            int t = args.getInt("target-length", 0);
            if (t <= 0) throw new UsageException(command, "--target-length must be a positive number of frames");
            fe = fe.withTargetLength(t);
        }
        return fe;
    }

    /** {@code --normalize MEAN,STD}, or null when absent. */
    static FeatureNormalizer normalizer(Args args, String command) {
        String v = args.get("normalize");
        if (v == null) return null;
        String[] parts = v.split(",");
        if (parts.length != 2) {
            throw new UsageException(command, "--normalize expects MEAN,STD (e.g. -4.2677393,4.5689974), got '" + v + "'");
        }
        try {
            float mean = Float.parseFloat(parts[0].strip()), std = Float.parseFloat(parts[1].strip());
            return new FeatureNormalizer(mean, std);
        } catch (NumberFormatException e) {
            throw new UsageException(command, "--normalize expects two numbers MEAN,STD, got '" + v + "'");
        } catch (IllegalArgumentException e) {
            throw new UsageException(command, "--normalize: " + e.getMessage());
        }
    }
}
