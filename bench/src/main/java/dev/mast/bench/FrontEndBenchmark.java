package dev.mast.bench;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.PcmAudio;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.audio.dsp.Resampler;
import dev.mast.audio.features.KaldiFbank;
import dev.mast.audio.features.LibrosaLogMel;
import dev.mast.audio.features.LogMel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Speed of the audio front end on a 10 s clip, one thread: the whole path from WAV bytes in memory to the (998, 128)
 * Kaldi fbank (decode, mix to mono, resample to 16 kHz, fbank), from a 16 kHz mono file and from a 44.1 kHz stereo
 * file, and each stage alone. {@link #main} runs it and prints the real-time factor (10 s / median time).
 *
 * <pre>
 *   ./build package
 *   taskset -c 1 java --add-modules jdk.incubator.vector -cp 'cli/target/lib/*' dev.mast.bench.FrontEndBenchmark
 * </pre>
 *
 * Any JMH option may follow (e.g. {@code -f 1 -wi 3 -i 5}, or a regexp to select benchmarks).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Threads(1)
public class FrontEndBenchmark {
    /** Clip length: the real-time factor is this divided by the time per clip. */
    public static final double SECONDS = 10.0;

    /** A 10 s WAV file in memory. */
    @State(Scope.Benchmark)
    public static class Clip {
        /** "16k_mono_s16" (needs no resampling) or "44k1_stereo_s16" (mix-down and resampling). */
        @Param({"16k_mono_s16", "44k1_stereo_s16"})
        public String source;
        byte[] wav;
        final AudioFrontEnd frontEnd = AudioFrontEnd.kaldi();

        @Setup
        public void setup() {
            wav = syntheticWav(source.startsWith("44k1") ? 44100 : 16000, source.contains("stereo") ? 2 : 1, SECONDS);
        }
    }

    /** 10 s of mono audio at a given rate, for the resampler alone. */
    @State(Scope.Benchmark)
    public static class Resampling {
        @Param({"44100", "48000", "22050"})
        public int fromRate;
        float[] mono;
        Resampler resampler;

        @Setup
        public void setup() throws IOException {
            mono = AudioDecoders.decode(syntheticWav(fromRate, 1, SECONDS), "bench").channel(0);
            resampler = new Resampler(fromRate, AudioFrontEnd.MODEL_RATE);
        }
    }

    /** 10 s at 16 kHz, for the feature extractors alone. */
    @State(Scope.Benchmark)
    public static class Wave16k {
        float[] mono;
        final KaldiFbank kaldi = new KaldiFbank();
        final LibrosaLogMel librosa = new LibrosaLogMel();

        @Setup
        public void setup() throws IOException {
            mono = AudioDecoders.decode(syntheticWav(16000, 1, SECONDS), "bench").channel(0);
        }
    }

    /** Decode + mix + resample + fbank: what {@code AudioFrontEnd.fromBytes} does per clip. */
    @Benchmark
    public LogMel fullPipeline(Clip c) throws IOException {
        return c.frontEnd.fromBytes(c.wav, c.source);
    }

    @Benchmark
    public PcmAudio decode(Clip c) throws IOException {
        return AudioDecoders.decode(c.wav, c.source);
    }

    @Benchmark
    public float[] resample(Resampling r) {
        return r.resampler.resample(r.mono);
    }

    @Benchmark
    public LogMel kaldiFbank(Wave16k w) {
        return w.kaldi.compute(w.mono);
    }

    @Benchmark
    public LogMel librosaLogMel(Wave16k w) {
        return w.librosa.compute(w.mono);
    }

    /** 16-bit PCM WAV of a chirp, harmonics and noise (the front end has no data-dependent branches). */
    static byte[] syntheticWav(int rate, int channels, double seconds) {
        int n = (int) (rate * seconds);
        Random rnd = new Random(1);
        ByteBuffer b = ByteBuffer.allocate(44 + n * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + n * channels * 2).put("WAVEfmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                .putShort((short) (channels * 2)).putShort((short) 16).put("data".getBytes()).putInt(n * channels * 2);
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            for (int c = 0; c < channels; c++) {
                double v = 0.3 * Math.sin(2 * Math.PI * (100 + 400 * t) * t * (c + 1))
                        + 0.1 * Math.sin(2 * Math.PI * 2500 * t) + 0.02 * rnd.nextGaussian();
                b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
            }
        }
        return b.array();
    }

    /** Runs the benchmarks (JMH options may be given) and prints the median time and real-time factor of each. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder opts = new OptionsBuilder();
        opts.parent(cli);
        if (cli.getIncludes().isEmpty()) opts.include(FrontEndBenchmark.class.getSimpleName());
        Collection<RunResult> results = new Runner(opts.build()).run();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-40s %10s %10s %12s%n", "front end, 10 s clip, 1 thread", "median ms",
                "p90 ms", "real-time x");
        for (RunResult r : results) {
            var stats = r.getPrimaryResult().getStatistics();
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            for (String key : r.getParams().getParamsKeys()) name += " " + key + "=" + r.getParams().getParam(key);
            double median = stats.getPercentile(50);
            System.out.printf(Locale.ROOT, "%-40s %10.3f %10.3f %12.0f%n", name, median, stats.getPercentile(90),
                    SECONDS * 1000 / median);
        }
    }
}
