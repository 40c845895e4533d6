package dev.mast.cli;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import java.io.IOException;

/** {@code mast bench jmh}: the JMH benchmarks of the bench module, with JMH's own command-line options. */
final class BenchJmhCommand implements Command {
    @Override
    public String name() {
        return "jmh";
    }

    @Override
    public String summary() {
        return "run JMH benchmarks (SgemmBenchmark, FmaPeak, ...) with JMH's options";
    }

    @Override
    public String help() {
        return """
                Usage: mast bench jmh [JMH OPTIONS] [BENCHMARK REGEXP...]

                Runs the JMH benchmarks in forked JVMs (JMH's -h lists its options). Examples:
                  mast bench jmh -l
                  mast bench jmh SgemmBenchmark -p shape=1024x768x3072,1024x3072x768 -p threads=1,2
                  mast bench jmh FmaPeak -t 2
                In SgemmBenchmark and FmaPeak the secondary result "gflop" (ops/s) is GFLOPS.
                """;
    }

    @Override
    public int run(String[] args) throws RunnerException, IOException {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            throw new UsageException("bench jmh", e.getMessage());
        }
        if (options.shouldHelp()) {
            options.showHelp();
            return 0;
        }
        if (options.shouldList() || options.shouldListWithParams()) {
            new Runner(options).list();
            return 0;
        }
        new Runner(options).run();
        return 0;
    }
}
