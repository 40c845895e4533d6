package dev.mast.cli;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.audio.features.LogMel;
import dev.mast.engine.io.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code mast fbank}: one audio file to a (frames, 128) float32 .npy log-mel spectrogram. */
public final class FbankCommand implements Command {
    @Override
    public String name() {
        return "fbank";
    }

    @Override
    public String summary() {
        return "log-mel filter bank of a WAV/FLAC file as a .npy array";
    }

    @Override
    public String help() {
        return """
                Usage: mast fbank IN --out OUT.npy [--normalize MEAN,STD] [--target-length N] [--frontend kaldi|librosa]

                Decodes IN (WAV: PCM 8/16/24/32-bit, float 32/64, RF64, any channel count; or FLAC), mixes it
                to mono, resamples it to 16 kHz and writes its log-mel spectrogram to OUT.npy as float32
                [frames, 128] in C order.

                  --frontend kaldi     Kaldi fbank exactly as AST (torchaudio.compliance.kaldi.fbank): 25 ms frames
                                       every 10 ms, 128 mel bins 20-8000 Hz (default)
                  --frontend librosa   LAPE's librosa log-mel: 1024-point centred STFT, hop 160, Slaney mel 60-7800 Hz
                  --target-length N    pad with zero rows or crop to N frames (after the log, before normalising)
                  --normalize MEAN,STD (x - MEAN) / (2 STD), AST's normalisation; e.g. AudioSet
                                       -4.2677393,4.5689974, Speech Commands -6.845978,5.5654526,
                                       ESC-50 -6.6268077,5.358466 (see mast fbank-stats)
                """;
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = new Args(name()).values("out", "normalize", "target-length", "frontend").parse(argv);
        List<String> pos = args.positional();
        if (pos.size() != 1) throw new UsageException(name(), pos.isEmpty() ? "missing input file" : "expected one input file, got " + pos.size());
        Path in = Path.of(pos.get(0));
        Path out = Path.of(args.require("out"));
        AudioFrontEnd fe = FrontEndOptions.parse(args, name());
        FeatureNormalizer norm = FrontEndOptions.normalizer(args, name());
        if (norm != null) fe = fe.withNormalizer(norm);
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new IOException("cannot write " + out + ": no directory " + dir);

        LogMel m = fe.fromFile(in);
        try {
            Npy.write(out, new int[] {m.frames(), m.bins()}, m.data());
        } catch (IOException e) {
            throw new IOException("cannot write " + out + ": " + e, e);
        }
        System.out.printf("%s: %d frames x %d mel bins -> %s%n", in, m.frames(), m.bins(), out);
        return 0;
    }
}
