package dev.mast.bench;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.RandomInit;
import dev.mast.model.Trainable;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.RelPosMode;
import dev.mast.model.training.Trainables;
import dev.mast.train.loss.CrossEntropyLoss;
import dev.mast.train.optim.AdamW;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One training step of MAST (issue 5's performance target): zero the gradients, forward keeping activations,
 * cross-entropy, backward, AdamW (weight decay 0.05), repack the inference weights. MAST-tiny with the 7×7 stem,
 * B = 8, T = 128, 35 classes, random weights and data by default. PyTorch 1.13 eager takes about 1.18 s per step on
 * one thread of the project machine. Milliseconds per step; the workspaces are sized by the first step.
 *
 * <pre>mast bench jmh TrainStepBenchmark -p threads=1,2</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 9)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class TrainStepBenchmark {
    @Param({"tiny"})
    public String model;

    @Param({"7"})
    public int stem;

    @Param({"128"})
    public int frames;

    @Param({"8"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private JavaBackend backend;
    private MastModel mast;
    private Trainable trainable;
    private AdamW optimizer;
    private final TensorArena arena = new TensorArena();
    private final CrossEntropyLoss loss = new CrossEntropyLoss(0);
    private Tensor input, logits, dLogits;
    private int[] labels;

    @Setup
    public void setUp() {
        backend = new JavaBackend(threads);
        MastConfig config = MastConfig.preset(model).withStem(stem).withNumClasses(35).withInputSize(128, frames);
        mast = new MastModel(config, new RandomInit(42), backend, RelPosMode.EXTENDED);
        trainable = Trainables.of(mast);
        optimizer = new AdamW(trainable.parameters(), AdamW.Config.of(0.05));
        input = arena.allocate(batch, frames, 128);
        logits = arena.allocate(batch, 35);
        dLogits = arena.allocate(batch, 35);
        labels = new int[batch];
        SplittableRandom rng = new SplittableRandom(7);
        for (long i = 0; i < input.size(); i++) input.setFlat(i, (float) rng.nextGaussian());
        for (int b = 0; b < batch; b++) labels[b] = rng.nextInt(35);
        step();
    }

    @Benchmark
    public double step() {
        for (Parameter p : trainable.parameters()) p.grad().fill(0f);
        trainable.forwardTrain(input, logits, null);
        double value = loss.backward(logits, labels, dLogits);
        trainable.backward(dLogits, null);
        optimizer.step(1e-4, backend.pool());
        trainable.parametersChanged();
        return value;
    }

    @TearDown
    public void tearDown() {
        optimizer.close();
        trainable.close();
        arena.close();
        mast.close();
        backend.close();
    }
}
