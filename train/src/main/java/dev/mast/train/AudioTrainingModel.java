package dev.mast.train;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.AstConfig;
import dev.mast.model.AstModel;
import dev.mast.model.AudioModel;
import dev.mast.model.LoadOptions;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.ModelFile;
import dev.mast.model.ModelInfo;
import dev.mast.model.RandomInit;
import dev.mast.model.Trainable;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import dev.mast.model.training.Trainables;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * MAST or AST, freshly initialised (timm's initialisation, {@link RandomInit}), on the Java backend: the model
 * {@code mast train} trains. Inference and the model file use the {@link AudioModel} itself; training steps go
 * through its {@link Trainable}, which must share the model's {@link Parameter} objects so that updated values are
 * what {@link AudioModel#forward} and {@link ModelFile#save} see after {@link Trainable#parametersChanged()}.
 */
public final class AudioTrainingModel implements TrainingModel {
    private final JavaBackend backend;
    private final AudioModel model;
    private final Trainable trainable;
    private final Workspace workspace = new Workspace();

    private AudioTrainingModel(JavaBackend backend, AudioModel model, Trainable trainable) {
        this.backend = backend;
        this.model = model;
        this.trainable = trainable;
    }

    /** The model names {@link #create} accepts. */
    public static final String NAMES = "tiny, small, base, large, micro, micro16 (MAST), ast-tiny, ast-small, ast-base";

    /** Fails with an IllegalArgumentException naming the known sizes unless {@code name} is one of {@link #NAMES}. */
    public static void checkName(String name) {
        try {
            if (name.startsWith("ast-")) AstConfig.preset(name.substring(4));
            else MastConfig.preset(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown model '" + name + "' (expected " + NAMES + ")");
        }
    }

    /** Builds the model {@code spec} names (a {@link TrainingModelFactory}). */
    public static AudioTrainingModel create(ModelSpec spec) {
        JavaBackend backend = new JavaBackend(spec.pool());
        AudioModel model = null;
        try {
            model = build(spec, backend);
            return new AudioTrainingModel(backend, model, Trainables.of(model, spec.dropPath()));
        } catch (RuntimeException e) {
            if (model != null) model.close();
            backend.close();
            throw e;
        }
    }

    private static AudioModel build(ModelSpec spec, JavaBackend backend) {
        RandomInit init = new RandomInit(spec.initSeed());
        try {
            if (spec.name().startsWith("ast-")) {
                AstConfig p = AstConfig.preset(spec.name().substring(4));
                AstConfig c = new AstConfig(p.variant(), p.embedDim(), p.depth(), p.numHeads(), p.patchKernel(),
                        p.strideF(), p.strideT(), p.mlpRatio(), p.qkvBias(), p.normEps(), p.headNormEps(),
                        spec.classes(), spec.bins(), spec.frames());
                return new AstModel(c, init, backend);
            }
            MastConfig c = MastConfig.preset(spec.name()).withStem(spec.stem()).withNumClasses(spec.classes())
                    .withInputSize(spec.bins(), spec.frames());
            return new MastModel(c, init, backend, LoadOptions.defaults().relPos());
        } catch (RuntimeException e) {
            init.close();
            throw e;
        }
    }

    @Override
    public Trainable trainable() {
        return trainable;
    }

    @Override
    public void predict(Tensor input, Tensor logits) {
        model.forward(input, logits, workspace);
    }

    @Override
    public void save(Path file, ModelInfo info) throws IOException {
        ModelFile.save(file, model, info);
    }

    @Override
    public String description() {
        long params = 0;
        for (Parameter p : model.parameters()) params += p.value().size();
        String arch = switch (model.config()) {
            case MastConfig m -> "MAST " + m.variant() + ", stem " + m.patchKernel()[0] + "x" + m.patchKernel()[1]
                    + "/" + m.patchStride()[0] + "/" + m.patchPadding()[0] + ", depths " + Arrays.toString(m.depths());
            case AstConfig a -> "AST " + a.variant() + ", " + a.depth() + " blocks of width " + a.embedDim();
        };
        return String.format(Locale.ROOT, "%s, %d classes, %d frames, %.2f M parameters", arch, model.numClasses(),
                model.config().inputTdim(), params / 1e6);
    }

    @Override
    public void close() {
        trainable.close();
        workspace.close();
        model.close();
        backend.close();
    }
}
