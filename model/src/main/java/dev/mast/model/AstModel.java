package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.Backend;
import dev.mast.model.layer.ClassifierHead;
import dev.mast.model.layer.ForwardContext;
import dev.mast.model.layer.Grid;
import dev.mast.model.layer.Layer;
import dev.mast.model.layer.Norm;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.ParameterSource;
import dev.mast.model.layer.ParameterSpec;
import dev.mast.model.layer.PatchEmbed;
import dev.mast.model.layer.PositionEmbedding;
import dev.mast.model.layer.VitBlock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The AST baseline (spec §7): 16×16 patches at stride (fstride, tstride), [cls, dist] tokens prepended, learned
 * position embedding added, pre-norm ViT blocks with global attention, final LayerNorm, embedding
 * (token0 + token1)/2, head LayerNorm + Linear. Parameter names are AST's without the {@code v.} prefix
 * ({@code cls_token}, {@code dist_token}, {@code pos_embed}, {@code patch_embed.proj.*}, {@code blocks.I.*},
 * {@code norm.*}) plus {@code mlp_head.0|1.*}.
 *
 * <p><b>Other clip lengths.</b> The position embedding is learned for the config's grid
 * ({@code input_fdim × input_tdim}). For another grid it is adapted per axis as AST adapts ImageNet embeddings
 * (spec §7): time first, then frequency; an axis that shrinks keeps its centre positions
 * [L/2 − L'/2, L/2 − L'/2 + L'), an axis that grows is resampled linearly (bilinear, align_corners off). The two
 * special-token embeddings are kept. The adapted copy lives in the call's workspace.
 *
 * <p>Threading and memory: see {@link AudioModel}.
 */
public final class AstModel extends AudioModel {
    private final AstConfig config;
    private final Parameter clsToken, distToken, posEmbed;
    private final PositionEmbedding position;
    private final PatchEmbed patchEmbed;
    private final List<VitBlock> blocks = new ArrayList<>();
    private final Norm norm;

    public AstModel(AstConfig config, ParameterSource src, Backend backend) {
        super(backend, src);
        this.config = config;
        int d = config.embedDim();
        this.clsToken = embedding("cls_token", src, 1, 1, d);
        this.distToken = embedding("dist_token", src, 1, 1, d);
        this.posEmbed = embedding("pos_embed", src, 1, config.positions(), d);
        this.position = new PositionEmbedding(posEmbed,
                new Grid(config.gridHeight(config.inputFdim()), config.gridWidth(config.inputTdim())));
        try {
            add(new Layer() {
                @Override
                public void collectParameters(List<Parameter> out) {
                    out.add(clsToken);
                    out.add(distToken);
                    out.add(posEmbed);
                }
            });
            int k = config.patchKernel();
            this.patchEmbed = add(new PatchEmbed(d, new int[] {k, k}, new int[] {config.strideF(), config.strideT()},
                    new int[] {0, 0}, src, backend));
            for (int i = 0; i < config.depth(); i++) {
                blocks.add(add(new VitBlock("blocks." + i + ".", d, config.numHeads(), config.mlpHidden(),
                        config.qkvBias(), config.normEps(), src, backend)));
            }
            this.norm = add(new Norm("norm", d, config.normEps(), src));
            if (config.numClasses() > 0) {
                setHead(new ClassifierHead(d, config.numClasses(), config.headNormEps(), src, backend));
            }
        } catch (RuntimeException e) {
            closeLayers();
            throw e;
        }
    }

    private static Parameter embedding(String name, ParameterSource src, int... shape) {
        return new Parameter(name, Parameter.Kind.EMBEDDING,
                src.take(ParameterSpec.of(name, Parameter.Kind.EMBEDDING, ParameterSpec.Init.TRUNC_NORMAL, shape)));
    }

    @Override
    public AstConfig config() {
        return config;
    }

    public List<VitBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    public Parameter clsToken() {
        return clsToken;
    }

    public Parameter distToken() {
        return distToken;
    }

    /** The position embedding and its adaptation to other grids. */
    public PositionEmbedding positionEmbedding() {
        return position;
    }

    @Override
    public PatchEmbed patchEmbed() {
        return patchEmbed;
    }

    /** The final LayerNorm (applied to the two special tokens). */
    public Norm norm() {
        return norm;
    }

    @Override
    int minFrames() {
        return config.patchKernel();
    }

    @Override
    void features(ForwardContext ctx, Tensor input, Tensor embedding) {
        Workspace ws = ctx.ws();
        int batch = input.dim(0), d = config.embedDim();
        Tensor image = input.transpose(1, 2);
        Grid g = patchEmbed.grid(image.dim(1), image.dim(2));
        int n = g.tokens();
        Tensor patches = ws.allocate(batch, g.h(), g.w(), d);
        patchEmbed.forward(ctx, image, patches);
        ctx.record("patch_embed", patches.reshape(batch, n, d));

        Tensor x = ws.allocate(batch, n + 2, d);
        Tensor pos = position.forward(ws, g);
        Tensor cls = clsToken.value().reshape(d), dist = distToken.value().reshape(d);
        for (int b = 0; b < batch; b++) {
            Tensor xb = x.select(0, b);
            xb.select(0, 0).copyFrom(cls);
            xb.select(0, 1).copyFrom(dist);
            xb.slice(0, 2, n + 2).copyFrom(patches.select(0, b).reshape(n, d));
            ctx.backend().add(xb, pos, xb);
        }
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).forward(ctx, x);
            ctx.record("block_" + i, x);
        }
        // Only the two special tokens reach the output: normalise just those.
        long mark = ws.mark();
        Tensor special = ws.allocate(batch, 2, d).copyFrom(x.slice(1, 0, 2));
        norm.forward(ctx.backend(), special, special);
        ctx.backend().meanTokens(special, embedding);
        ws.release(mark);
    }
}
