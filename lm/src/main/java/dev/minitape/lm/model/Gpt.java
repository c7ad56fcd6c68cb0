package dev.minitape.lm.model;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.core.ops.Linalg;
import dev.minitape.nn.Dropout;
import dev.minitape.nn.Embedding;
import dev.minitape.nn.Init;
import dev.minitape.nn.KvCache;
import dev.minitape.nn.LayerNorm;
import dev.minitape.nn.Linear;
import dev.minitape.nn.ModuleList;
import dev.minitape.nn.Parameter;
import dev.minitape.nn.TransformerBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 in miniature: token and position embeddings, pre-LayerNorm blocks with causal multi-head
 * attention and a GELU MLP, a final LayerNorm, and an output head tied to the token embedding
 * (logits = x·W_teᵀ). GPT-2's initialization: every weight N(0, 0.02²), biases 0, and the residual
 * projections (attn.proj, mlp.proj) N(0, (0.02/√(2·layers))²) so the residual stream's variance does
 * not grow with depth.
 */
public final class Gpt extends ModuleLanguageModel {
    private final GptConfig config;
    private final Rng dropoutRng;
    public final Embedding wte, wpe;
    private final Dropout drop;
    public final ModuleList<TransformerBlock> blocks;
    public final LayerNorm lnF;

    /** Initializes from {@code rng}; dropout draws from its own generator, seeded from {@code rng}. */
    public Gpt(GptConfig config, Rng rng) {
        super(config.vocabSize(), config.blockSize());
        this.config = config;
        this.dropoutRng = new Rng(rng.nextLong());
        this.wte = module("wte", new Embedding(config.vocabSize(), config.nEmbd(), rng));
        this.wpe = module("wpe", new Embedding(config.blockSize(), config.nEmbd(), rng));
        this.drop = module("drop", new Dropout(config.dropout(), dropoutRng));
        this.blocks = module("blocks", new ModuleList<>());
        for (int i = 0; i < config.nLayer(); i++) {
            blocks.add(new TransformerBlock(config.nEmbd(), config.nHead(), config.dropout(), rng, dropoutRng));
        }
        this.lnF = module("ln_f", new LayerNorm(config.nEmbd()));
        initGpt2(rng);
    }

    private void initGpt2(Rng rng) {
        double residualStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
        namedParameters().forEach((name, p) -> {
            if (name.startsWith("ln") || name.contains(".ln")) return;           // LayerNorms keep 1 and 0
            if (name.endsWith(".bias")) java.util.Arrays.fill(p.data(), 0f);
            else Init.normal(p, 0, name.endsWith("proj.weight") ? residualStd : 0.02, rng);
        });
    }

    public GptConfig config() {
        return config;
    }

    @Override
    public Tensor forward(int[] tokens, int batch, int time) {
        return forward(tokens, batch, time, null);
    }

    /**
     * Logits for {@code time} new tokens per sequence. With caches (one per block, from
     * {@link #newCaches()}), the new tokens continue the cached positions: incremental decoding.
     */
    public Tensor forward(int[] tokens, int batch, int time, List<KvCache> caches) {
        int past = caches == null ? 0 : caches.get(0).length();
        if (past + time > config.blockSize()) {
            throw new IllegalArgumentException("GPT: " + (past + time) + " positions exceed the block size "
                    + config.blockSize());
        }
        int[] positions = new int[time];
        for (int t = 0; t < time; t++) positions[t] = past + t;
        Tensor x = drop.forward(wte.forward(tokens, batch, time).add(wpe.forward(positions, time)));
        for (int i = 0; i < blocks.size(); i++) x = blocks.get(i).forward(x, caches == null ? null : caches.get(i));
        return Linalg.linear(lnF.forward(x), wte.weight, null);
    }

    /** Empty key/value caches, one per block. */
    public List<KvCache> newCaches() {
        List<KvCache> caches = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) caches.add(new KvCache());
        return caches;
    }

    @Override
    public Rng dropoutRng() {
        return dropoutRng;
    }

    @Override
    protected String describe() {
        return config.toString();
    }
}
