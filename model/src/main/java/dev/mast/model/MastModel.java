package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;
import dev.mast.model.layer.ClassifierHead;
import dev.mast.model.layer.ForwardContext;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.MultiScaleBlock;
import dev.mast.model.layer.ParameterSource;
import dev.mast.model.layer.PatchEmbed;
import dev.mast.model.layer.RelPosMode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * MAST (spec §2): patch stem → MViTv2 stages of {@link MultiScaleBlock}s → mean over the last stage's tokens →
 * head LayerNorm + Linear. Parameter names are timm's without the {@code v.} prefix ({@code patch_embed.proj.*},
 * {@code stages.S.blocks.B.*}) plus LAPE's {@code mlp_head.0|1.*}.
 *
 * <p>Any clip length: the token grid follows the input (frequency rows × time columns); relative-position tables
 * are used as they are while every index fits, otherwise {@link RelPosMode} applies (see there).
 *
 * <p>Threading and memory: see {@link AudioModel}.
 */
public final class MastModel extends AudioModel {
    private final MastConfig config;
    private final PatchEmbed patchEmbed;
    private final List<MultiScaleBlock> blocks = new ArrayList<>();

    /**
     * Builds the model with parameters from {@code src} (which it then owns), prepared on {@code backend}.
     * Fresh rel-pos tables are sized for the config's {@code input_fdim × input_tdim} grid.
     */
    public MastModel(MastConfig config, ParameterSource src, Backend backend, RelPosMode mode) {
        super(backend, src);
        this.config = config;
        try {
            this.patchEmbed = add(new PatchEmbed(config.embedDim()[0], config.patchKernel(), config.patchStride(),
                    config.patchPadding(), src, backend));
            Grid g = new Grid(config.gridHeight(config.inputFdim()), config.gridWidth(config.inputTdim()));
            for (MastConfig.BlockSpec b : config.blocks()) {
                MultiScaleBlock block = add(new MultiScaleBlock(b.prefix(), b.dimIn(), b.dimAttn(), b.dimOut(),
                        b.heads(), b.mlpHidden(), config.qkvBias(), b.projAttn(), b.projMlp(), b.strideQ(),
                        b.strideKvH(), b.strideKvW(), config.normEps(), g, mode, src, backend));
                blocks.add(block);
                g = block.outputGrid(g);
            }
            if (config.numClasses() > 0) {
                setHead(new ClassifierHead(config.embeddingDim(), config.numClasses(), config.headNormEps(), src,
                        backend));
            }
        } catch (RuntimeException e) {
            closeLayers();
            throw e;
        }
    }

    @Override
    public MastConfig config() {
        return config;
    }

    /** The blocks in order (for inspection and training). */
    public List<MultiScaleBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    @Override
    public PatchEmbed patchEmbed() {
        return patchEmbed;
    }

    @Override
    int minFrames() {
        return config.minFrames();
    }

    @Override
    void features(ForwardContext ctx, Tensor input, Tensor embedding) {
        Workspace ws = ctx.ws();
        int batch = input.dim(0);
        Tensor image = input.transpose(1, 2); // [B, F, T]: height = frequency, width = time, no copy
        Grid g = patchEmbed.grid(image.dim(1), image.dim(2));
        Tensor x = ws.allocate(batch, g.h(), g.w(), patchEmbed.channels());
        patchEmbed.forward(ctx, image, x);
        x = x.reshape(batch, g.tokens(), patchEmbed.channels());
        ctx.record("patch_embed", x);
        for (int i = 0; i < blocks.size(); i++) {
            MastConfig.BlockSpec spec = config.blocks().get(i);
            String name = "block_" + spec.stage() + "_" + spec.index();
            MultiScaleBlock block = blocks.get(i);
            x = block.forward(ctx, x, g, name);
            g = block.outputGrid(g);
            ctx.record(name, x);
            if (i + 1 == blocks.size() || config.blocks().get(i + 1).stage() != spec.stage()) {
                ctx.record("stage" + spec.stage(), x);
            }
        }
        ctx.backend().meanTokens(x, embedding);
    }
}
