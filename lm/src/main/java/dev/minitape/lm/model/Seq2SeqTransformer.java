package dev.minitape.lm.model;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.DecoderBlock;
import dev.minitape.nn.Embedding;
import dev.minitape.nn.EncoderBlock;
import dev.minitape.nn.KvCache;
import dev.minitape.nn.LayerNorm;
import dev.minitape.nn.Linear;
import dev.minitape.nn.Module;
import dev.minitape.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * A Transformer encoder-decoder (pre-LayerNorm). The token embedding is shared by source and target
 * and keeps the PAD row at zero; positions are learned or sinusoidal
 * (PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d))). The encoder's self-attention
 * and the decoder's cross-attention hide padded source positions; the decoder's self-attention is
 * causal. With teacher forcing the decoder reads BOS + target and is trained to predict target + EOS.
 */
public final class Seq2SeqTransformer extends Module {
    public static final int PAD = 0, BOS = 1, EOS = 2, SPECIALS = 3;

    private final int vocabSize, dim, maxLen;
    public final Embedding embed;
    private final Embedding positions;      // null when sinusoidal
    private final Tensor sinusoid;          // null when learned
    public final ModuleList<EncoderBlock> encoder;
    public final ModuleList<DecoderBlock> decoder;
    public final LayerNorm encoderNorm, decoderNorm;
    public final Linear head;

    /** Sizes and options; validated. */
    public record Config(int vocabSize, int dim, int heads, int encoderLayers, int decoderLayers, int maxLen,
                         float dropout, boolean sinusoidal) {
        public Config {
            if (vocabSize <= SPECIALS) throw new IllegalArgumentException("seq2seq: vocabulary " + vocabSize + " leaves no symbols after PAD, BOS, EOS");
            if (dim <= 0 || heads <= 0 || dim % heads != 0) {
                throw new IllegalArgumentException("seq2seq: --d-model " + dim + " must be positive and divisible by --n-head " + heads);
            }
            if (encoderLayers <= 0 || decoderLayers <= 0) throw new IllegalArgumentException("seq2seq: --n-layer must be positive");
            if (maxLen <= 0) throw new IllegalArgumentException("seq2seq: maximum length must be positive, got " + maxLen);
        }
    }

    public Seq2SeqTransformer(Config c, Rng rng) {
        this.vocabSize = c.vocabSize();
        this.dim = c.dim();
        this.maxLen = c.maxLen();
        this.embed = module("embed", new Embedding(vocabSize, dim, PAD, rng));
        for (int i = 0; i < embed.weight.numel(); i++) embed.weight.data()[i] *= 0.1f;   // N(0, 0.1²) keeps early logits calm
        if (c.sinusoidal()) {
            this.positions = null;
            this.sinusoid = sinusoidTable(maxLen, dim);
        } else {
            this.positions = module("positions", new Embedding(maxLen, dim, rng));
            for (int i = 0; i < positions.weight.numel(); i++) positions.weight.data()[i] *= 0.1f;
            this.sinusoid = null;
        }
        this.encoder = module("encoder", new ModuleList<>());
        for (int i = 0; i < c.encoderLayers(); i++) encoder.add(new EncoderBlock(dim, c.heads(), c.dropout(), rng));
        this.encoderNorm = module("encoder_norm", new LayerNorm(dim));
        this.decoder = module("decoder", new ModuleList<>());
        for (int i = 0; i < c.decoderLayers(); i++) decoder.add(new DecoderBlock(dim, c.heads(), c.dropout(), rng));
        this.decoderNorm = module("decoder_norm", new LayerNorm(dim));
        this.head = module("head", new Linear(dim, vocabSize, true, rng));
    }

    private static Tensor sinusoidTable(int len, int dim) {
        float[] pe = new float[len * dim];
        for (int p = 0; p < len; p++) {
            for (int i = 0; i < dim; i += 2) {
                double angle = p / Math.pow(10000, (double) i / dim);
                pe[p * dim + i] = (float) Math.sin(angle);
                if (i + 1 < dim) pe[p * dim + i + 1] = (float) Math.cos(angle);
            }
        }
        return new Tensor(pe, len, dim);
    }

    /** Token embeddings plus the positions from {@code offset} on: (B, T, C). */
    private Tensor embed(int[] tokens, int b, int t, int offset) {
        if (offset + t > maxLen) {
            throw new IllegalArgumentException("seq2seq: position " + (offset + t) + " exceeds the maximum length " + maxLen);
        }
        Tensor x = embed.forward(tokens, b, t);
        if (sinusoid != null) return x.add(sinusoid.slice(0, offset, offset + t));
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = offset + i;
        return x.add(positions.forward(pos, t));
    }

    /** (B, S) with 1 where the source is PAD. */
    public static Tensor paddingMask(int[] src, int b, int s) {
        float[] m = new float[b * s];
        for (int i = 0; i < m.length; i++) m[i] = src[i] == PAD ? 1f : 0f;
        return new Tensor(m, b, s);
    }

    /** The encoder's output (B, S, C) for source tokens (B, S). */
    public Tensor encode(int[] src, int b, int s, Tensor srcPadding) {
        Tensor x = embed(src, b, s, 0);
        for (EncoderBlock block : encoder) x = block.forward(x, srcPadding);
        return encoderNorm.forward(x);
    }

    /**
     * Logits (B, T, V) for decoder inputs (B, T). With caches ({@link #newCaches()}), the inputs continue
     * the cached positions (incremental decoding).
     */
    public Tensor decode(int[] tgtIn, int b, int t, Tensor memory, Tensor srcPadding, Caches caches) {
        int offset = caches == null ? 0 : caches.self.get(0).length();
        Tensor x = embed(tgtIn, b, t, offset);
        for (int i = 0; i < decoder.size(); i++) {
            x = decoder.get(i).forward(x, memory, srcPadding, caches == null ? null : caches.self.get(i),
                    caches == null ? null : caches.cross.get(i));
        }
        return head.forward(decoderNorm.forward(x));
    }

    /** Teacher forcing: logits (B, T, V) of target + EOS given source and BOS + target. */
    public Tensor forward(int[] src, int s, int[] tgtIn, int t, int b) {
        Tensor padding = paddingMask(src, b, s);
        return decode(tgtIn, b, t, encode(src, b, s, padding), padding, null);
    }

    /** One self-attention and one cross-attention cache per decoder block. */
    public static final class Caches {
        final List<KvCache> self = new ArrayList<>(), cross = new ArrayList<>();

        /** Keeps batch rows {@code rows} (beam search). */
        public void reorder(int[] rows) {
            self.forEach(c -> c.reorder(rows));
            cross.forEach(c -> c.reorder(rows));
        }
    }

    public Caches newCaches() {
        Caches c = new Caches();
        for (int i = 0; i < decoder.size(); i++) {
            c.self.add(new KvCache());
            c.cross.add(new KvCache());
        }
        return c;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int maxLen() {
        return maxLen;
    }
}
