package dev.mast.cli;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.features.FbankStats;
import dev.mast.engine.parallel.EnginePool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code mast fbank-stats}: mean and standard deviation of the un-normalised log-mel values over every WAV/FLAC
 * file under a folder, the constants for {@code --normalize}. Files are processed in parallel and combined in path
 * order, so the result does not depend on the thread count.
 */
public final class FbankStatsCommand implements Command {
    @Override
    public String name() {
        return "fbank-stats";
    }

    @Override
    public String summary() {
        return "mean and std of the log-mel values of a data set (for --normalize)";
    }

    @Override
    public String help() {
        return """
                Usage: mast fbank-stats --data DIR [--frontend kaldi|librosa] [--target-length N] [--threads N]
                                        [--skip-bad] [--json]

                Computes the log-mel spectrogram of every .wav and .flac file under DIR (recursively) and prints
                the mean and standard deviation of all their values: the MEAN,STD to pass to --normalize.

                  --frontend kaldi|librosa  which log-mel (default kaldi, AST's fbank)
                  --target-length N         pad/crop every spectrogram to N frames first, as AST's recipe did when
                                            it computed its published constants (zero rows included); by default
                                            only real frames count
                  --threads N               files processed in parallel (default: all processors)
                  --skip-bad                report unreadable files on stderr and go on (default: stop at the first)
                  --json                    print one JSON object instead of text
                """;
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = new Args(name()).values("data", "frontend", "target-length", "threads").flags("skip-bad", "json")
                .parse(argv);
        if (!args.positional().isEmpty()) throw new UsageException(name(), "unexpected argument '" + args.positional().get(0) + "'");
        Path data = Path.of(args.require("data"));
        AudioFrontEnd fe = FrontEndOptions.parse(args, name());
        int threads = args.getInt("threads", EnginePool.defaultThreads());
        if (threads < 1) throw new UsageException(name(), "--threads must be at least 1");
        if (!Files.isDirectory(data)) throw new IOException(data + ": not a directory");

        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).filter(FbankStatsCommand::isAudio).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (files.isEmpty()) throw new IOException(data + ": no .wav or .flac files");

        FbankStats[] perFile = new FbankStats[files.size()];
        String[] errors = new String[files.size()];
        try (EnginePool pool = new EnginePool(threads)) {
            pool.parallelFor(files.size(), i -> {
                try {
                    FbankStats s = new FbankStats();
                    s.add(fe.fromFile(files.get(i)));
                    perFile[i] = s;
                } catch (IOException e) {
                    errors[i] = e.getMessage();
                }
            });
        }
        FbankStats total = new FbankStats();
        int skipped = 0;
        for (int i = 0; i < perFile.length; i++) {
            if (errors[i] != null) {
                if (!args.has("skip-bad")) throw new IOException(errors[i]);
                System.err.println("mast fbank-stats: skipping " + errors[i]);
                skipped++;
            } else {
                total.merge(perFile[i]);
            }
        }
        if (total.count() == 0) throw new IOException(data + ": no readable audio files");
        long frames = total.count() / fe.melBins();
        String kind = fe.kind().name().toLowerCase(Locale.ROOT);
        if (args.has("json")) {
            System.out.printf(Locale.ROOT, "{\"data\": \"%s\", \"frontend\": \"%s\", \"target_length\": %d, \"files\": %d, "
                            + "\"skipped\": %d, \"frames\": %d, \"values\": %d, \"mean\": %.8g, \"std\": %.8g}%n",
                    jsonEscape(data.toString()), kind, fe.targetLength(), total.files(), skipped, frames,
                    total.count(), total.mean(), total.std());
        } else {
            System.out.printf(Locale.ROOT, "%s: %d files (%d skipped), %d frames, %s front end%n", data, total.files(),
                    skipped, frames, kind);
            System.out.printf(Locale.ROOT, "mean %.8g%nstd  %.8g%n", total.mean(), total.std());
            System.out.printf(Locale.ROOT, "use: --normalize %.8g,%.8g%n", total.mean(), total.std());
        }
        return 0;
    }

    private static boolean isAudio(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".wav") || n.endsWith(".flac");
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}
