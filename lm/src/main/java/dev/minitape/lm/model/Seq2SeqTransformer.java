package dev.minitape.lm.model;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.DecoderBlock;
import dev.minitape.nn.Embedding;
import dev.minitape.nn.EncoderBlock;
import dev.minitape.nn.Init;
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
 *
 * <p>Initialization is PyTorch's for this model ({@code nn.Embedding}, {@code nn.Transformer},
 * {@code nn.Linear}): embeddings N(0, 1); in the blocks every matrix Glorot-uniform
 * ({@code nn.Transformer._reset_parameters}), the attention's q, k, v projections with the bound of the one
 * (3C, C) in-projection matrix they form in {@code nn.MultiheadAttention}, whose biases start at 0; the
 * MLP biases and the head keep {@code nn.Linear}'s default (why: bench/results/seq2seq-notes.md).
 *
 * <p>Padding costs nothing in the position-wise parts: without a cache, the embeddings, LayerNorms,
 * MLPs, residual sums and the head run on the real positions only (packed rows), and only attention
 * sees the padded (B, L, C) layout. Real positions are the non-PAD source tokens and, in the decoder, all
 * but the trailing PADs of each row; their logits are those of the padded computation, the others are 0.
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
                throw new IllegalArgumentException("Seq2SeqTransformer.Config.dim " + dim
                        + " must be positive and divisible by Seq2SeqTransformer.Config.heads " + heads);
            }
            if (encoderLayers <= 0) throw new IllegalArgumentException("Seq2SeqTransformer.Config.encoderLayers must be positive, got " + encoderLayers);
            if (decoderLayers <= 0) throw new IllegalArgumentException("Seq2SeqTransformer.Config.decoderLayers must be positive, got " + decoderLayers);
            if (maxLen <= 0) throw new IllegalArgumentException("seq2seq: maximum length must be positive, got " + maxLen);
        }
    }

    public Seq2SeqTransformer(Config c, Rng rng) {
        this.vocabSize = c.vocabSize();
        this.dim = c.dim();
        this.maxLen = c.maxLen();
        this.embed = module("embed", new Embedding(vocabSize, dim, PAD, rng));
        if (c.sinusoidal()) {
            this.positions = null;
            this.sinusoid = sinusoidTable(maxLen, dim);
        } else {
            this.positions = module("positions", new Embedding(maxLen, dim, rng));
            this.sinusoid = null;
        }
        this.encoder = module("encoder", new ModuleList<>());
        for (int i = 0; i < c.encoderLayers(); i++) encoder.add(new EncoderBlock(dim, c.heads(), c.dropout(), rng));
        this.encoderNorm = module("encoder_norm", new LayerNorm(dim));
        this.decoder = module("decoder", new ModuleList<>());
        for (int i = 0; i < c.decoderLayers(); i++) decoder.add(new DecoderBlock(dim, c.heads(), c.dropout(), rng));
        this.decoderNorm = module("decoder_norm", new LayerNorm(dim));
        this.head = module("head", new Linear(dim, vocabSize, true, rng));
        initBlocks(encoder, rng);
        initBlocks(decoder, rng);
    }

    /** nn.Transformer's re-initialization of its layers (see the class comment). */
    private void initBlocks(Module blocks, Rng rng) {
        double inProj = Math.sqrt(6.0 / (dim + 3 * dim));            // Glorot bound of the (3C, C) in-projection
        blocks.namedParameters().forEach((name, p) -> {
            boolean attention = name.contains("attn.");
            boolean inProjection = attention && (name.contains(".qkv.") || name.contains(".q.") || name.contains(".kv."));
            if (p.dim() >= 2) {
                if (inProjection) Init.uniform(p, -inProj, inProj, rng);
                else Init.xavierUniform(p, 1.0, rng);
            } else if (attention && name.endsWith("bias")) {
                java.util.Arrays.fill(p.data(), 0f);
            }
        });
    }

    /** PE(p, 2i) = sin(p / 10000^(2i/C)), PE(p, 2i + 1) = cos(p / 10000^(2i/C)): (len, C), not trained. */
    static Tensor sinusoidTable(int len, int dim) {
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
        checkLength(offset + t);
        Tensor x = embed.forward(tokens, b, t);
        if (sinusoid != null) return x.add(sinusoid.slice(0, offset, offset + t));
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = offset + i;
        return x.add(positions.forward(pos, t));
    }

    /** Token embeddings plus positions of the packed rows only: (N, C). */
    private Tensor embed(int[] tokens, Packing p) {
        checkLength(p.len);
        int[] ids = new int[p.count()], pos = new int[p.count()];
        for (int r = 0; r < p.count(); r++) {
            ids[r] = tokens[p.rows[r]];
            pos[r] = p.rows[r] % p.len;
        }
        Tensor x = embed.forward(ids, p.count());
        return x.add(sinusoid != null ? sinusoid.indexSelect(0, pos) : positions.forward(pos, p.count()));
    }

    private void checkLength(int len) {
        if (len > maxLen) throw new IllegalArgumentException("seq2seq: position " + len + " exceeds the maximum length " + maxLen);
    }

    /**
     * The real positions of a (B, L) token grid: {@code rows} lists their flat indices b·L + i in order,
     * {@code scatter} maps every flat index to its packed row, or to {@code count} (a zero row) for padding.
     */
    private record Packing(int b, int len, int[] rows, int[] scatter) {
        /** The source: every non-PAD token. */
        static Packing source(int[] src, int b, int s) {
            boolean[] real = new boolean[b * s];
            for (int i = 0; i < real.length; i++) real[i] = src[i] != PAD;
            return of(real, b, s);
        }

        /** The decoder input: each row up to its last non-PAD token (later ones cannot reach it: causal). */
        static Packing target(int[] tgt, int b, int t) {
            boolean[] real = new boolean[b * t];
            for (int i = 0; i < b; i++) {
                int end = t;
                while (end > 0 && tgt[i * t + end - 1] == PAD) end--;
                for (int j = 0; j < end; j++) real[i * t + j] = true;
            }
            return of(real, b, t);
        }

        private static Packing of(boolean[] real, int b, int len) {
            int n = 0;
            for (boolean r : real) if (r) n++;
            int[] rows = new int[n], scatter = new int[real.length];
            for (int i = 0, k = 0; i < real.length; i++) {
                if (real[i]) rows[k] = i;
                scatter[i] = real[i] ? k++ : n;
            }
            return new Packing(b, len, rows, scatter);
        }

        int count() {
            return rows.length;
        }

        boolean dense() {
            return rows.length == b * len;
        }

        /** (N, C) → (B, L, C) with zeros at padding. */
        Tensor unpack(Tensor x) {
            int c = x.size(1);
            if (dense()) return x.reshape(b, len, c);
            return Tensor.concat(0, x, Tensor.zeros(1, c)).indexSelect(0, scatter).reshape(b, len, c);
        }

        /** (B, L, C) → (N, C): the real rows. */
        Tensor pack(Tensor x) {
            Tensor flat = x.reshape(b * len, x.size(2));
            return dense() ? flat : flat.indexSelect(0, rows);
        }
    }

    /** (B, S) with 1 where the source is PAD. */
    public static Tensor paddingMask(int[] src, int b, int s) {
        float[] m = new float[b * s];
        for (int i = 0; i < m.length; i++) m[i] = src[i] == PAD ? 1f : 0f;
        return new Tensor(m, b, s);
    }

    /**
     * The encoder's output (B, S, C) for source tokens (B, S), zero at PAD positions; the blocks run on the
     * packed rows of the real positions.
     */
    public Tensor encode(int[] src, int b, int s, Tensor srcPadding) {
        Packing p = Packing.source(src, b, s);
        Tensor x = embed(src, p);                                              // (N, C)
        for (EncoderBlock block : encoder) x = block.forwardRows(x, srcPadding, p::unpack, p::pack);
        return p.unpack(encoderNorm.forward(x));
    }

    /**
     * Logits (B, T, V) for decoder inputs (B, T). With caches ({@link #newCaches()}), the inputs continue
     * the cached positions (incremental decoding).
     */
    public Tensor decode(int[] tgtIn, int b, int t, Tensor memory, Tensor srcPadding, Caches caches) {
        if (caches == null) return decodePacked(tgtIn, b, t, memory, srcPadding);
        Tensor x = embed(tgtIn, b, t, caches.self.get(0).length());
        for (int i = 0; i < decoder.size(); i++) x = decoder.get(i).forward(x, memory, srcPadding, caches.self.get(i), caches.cross.get(i));
        return head.forward(decoderNorm.forward(x));
    }

    /** The full pass, the blocks running on the packed rows of the real positions. */
    private Tensor decodePacked(int[] tgtIn, int b, int t, Tensor memory, Tensor srcPadding) {
        Packing p = Packing.target(tgtIn, b, t);
        Tensor x = embed(tgtIn, p);                                            // (N, C)
        for (DecoderBlock block : decoder) x = block.forwardRows(x, memory, srcPadding, p::unpack, p::pack);
        Tensor logits = head.forward(decoderNorm.forward(x));                  // (N, V)
        return p.unpack(logits);
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
