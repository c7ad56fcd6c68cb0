package dev.minitape.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * Byte-level byte-pair encoding. Tokens 0–255 are the byte values; token {@code 256 + r} is merge
 * {@code r}, the concatenation of two earlier tokens. Any bytes can be encoded, so any text can:
 * {@code decodeBytes(encodeBytes(b))} equals {@code b} for every byte array and
 * {@code decode(encode(s))} equals {@code s} for every valid string.
 *
 * <ul>
 *   <li>{@link #train} learns the merges from a corpus (see {@link BpeTrainer} for the rule and its
 *       incremental algorithm). There is no pre-tokenization: merges may cross spaces and word
 *       boundaries, so frequent phrases such as "of the" can become single tokens.</li>
 *   <li>{@link #encodeBytes} applies the merges in the order they were learned (see
 *       {@link BpeEncoder}), so encoding the training corpus gives the tokens training ended with.</li>
 *   <li>{@link #decode} turns ids into bytes and the bytes into text as UTF-8; ids that cut a multi-byte
 *       character (a token may hold half of one), decoded on their own, give U+FFFD REPLACEMENT
 *       CHARACTER for each malformed sequence, as {@code new String(bytes, UTF_8)} does.
 *       {@link #decodeBytes} is exact.</li>
 * </ul>
 *
 * <p>File format: {@code {"type": "byte_bpe", "version": 1, "vocabSize": 259, "merges": [[97, 97],
 * [97, 98], [256, 257]]}}, merge {@code r} making token {@code 256 + r}. Immutable and thread-safe.
 */
public final class ByteBpeTokenizer implements Tokenizer {
    public static final String TYPE = "byte_bpe";
    /** Tokens 0–255 are the bytes. */
    public static final int BYTE_TOKENS = 256;
    /** The largest vocabulary, 2²¹ = 2,097,152 tokens. */
    public static final int MAX_VOCAB_SIZE = 1 << 21;
    private static final Set<String> FIELDS = Set.of("type", "version", "vocabSize", "merges");
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final int[] lefts;                          // merge r makes token 256 + r = (lefts[r], rights[r])
    private final int[] rights;
    private final long[] lengths;                       // bytes in each token, saturating at Long.MAX_VALUE
    private final LongIntMap ranks;                     // pairKey(left, right) → r

    private ByteBpeTokenizer(int[] lefts, int[] rights, LongIntMap ranks) {
        this.lefts = lefts;
        this.rights = rights;
        this.ranks = ranks;
        lengths = new long[BYTE_TOKENS + lefts.length];
        Arrays.fill(lengths, 0, BYTE_TOKENS, 1);
        for (int r = 0; r < lefts.length; r++) {
            long sum = lengths[lefts[r]] + lengths[rights[r]];
            lengths[BYTE_TOKENS + r] = sum < 0 ? Long.MAX_VALUE : sum;
        }
    }

    /**
     * Learns merges from {@code corpus} until the vocabulary has {@code vocabSize} tokens, or until no
     * adjacent pair occurs twice (then the vocabulary is smaller). Deterministic.
     */
    public static ByteBpeTokenizer train(byte[] corpus, int vocabSize) {
        Objects.requireNonNull(corpus, "corpus");
        if (vocabSize < BYTE_TOKENS) {
            throw new IllegalArgumentException("a BPE vocabulary needs at least 256 tokens, got " + vocabSize
                    + ": one per byte value, plus one per merge");
        }
        if (vocabSize > MAX_VOCAB_SIZE) {
            throw new IllegalArgumentException("a BPE vocabulary has at most " + MAX_VOCAB_SIZE + " tokens, got "
                    + vocabSize);
        }
        BpeTrainer.Result result = BpeTrainer.train(corpus, vocabSize - BYTE_TOKENS);
        return ofMerges(result.lefts(), result.rights());
    }

    /** {@link #train(byte[], int)} on the UTF-8 bytes of {@code text}. */
    public static ByteBpeTokenizer train(String text, int vocabSize) {
        return train(Utf8.encode(text), vocabSize);
    }

    /**
     * The tokenizer with these merges: {@code merges[r] = {left, right}} makes token {@code 256 + r}, and
     * may only use tokens that exist before it (ids below {@code 256 + r}); no pair may repeat.
     */
    public static ByteBpeTokenizer ofMerges(int[][] merges) {
        Objects.requireNonNull(merges, "merges");
        int[] lefts = new int[merges.length], rights = new int[merges.length];
        for (int r = 0; r < merges.length; r++) {
            if (merges[r] == null || merges[r].length != 2) {
                throw new IllegalArgumentException("merges[" + r + "] must be a pair {left, right}, got "
                        + Arrays.toString(merges[r]));                  // "null" for null
            }
            lefts[r] = merges[r][0];
            rights[r] = merges[r][1];
        }
        return ofMerges(lefts, rights);
    }

    private static ByteBpeTokenizer ofMerges(int[] lefts, int[] rights) {
        int m = lefts.length;
        if (m > MAX_VOCAB_SIZE - BYTE_TOKENS) {
            throw new IllegalArgumentException(m + " merges make " + (BYTE_TOKENS + (long) m) + " tokens; a BPE"
                    + " vocabulary has at most " + MAX_VOCAB_SIZE);
        }
        LongIntMap ranks = new LongIntMap(m);
        for (int r = 0; r < m; r++) {
            for (int id : new int[] {lefts[r], rights[r]}) {
                if (id < 0 || id >= BYTE_TOKENS + r) {
                    throw new IllegalArgumentException(merge(lefts, rights, r) + " uses token " + id + ", which "
                            + (id < 0 ? "is negative" : "does not exist yet") + ": merge " + r + " makes token "
                            + (BYTE_TOKENS + r) + " and may only combine the 256 byte tokens and tokens of"
                            + " earlier merges (ids 0 to " + (BYTE_TOKENS + r - 1) + ")");
                }
            }
            int earlier = ranks.put(pairKey(lefts[r], rights[r]), r);
            if (earlier >= 0) {
                throw new IllegalArgumentException(merge(lefts, rights, r) + " repeats merges[" + earlier + "]; each pair is merged once");
            }
        }
        return new ByteBpeTokenizer(lefts.clone(), rights.clone(), ranks);
    }

    private static String merge(int[] lefts, int[] rights, int r) {
        return "merges[" + r + "] = [" + lefts[r] + ", " + rights[r] + "]";
    }

    /** Reads the fields of a {@code "byte_bpe"} file (type and version already checked). */
    static ByteBpeTokenizer fromFile(JsonFields fields) throws TokenizerFormatException {
        fields.allowOnly(TYPE, FIELDS);
        int vocabSize = fields.integer("vocabSize");
        int[] flat = fields.pairs("merges");
        int m = flat.length / 2;
        if (vocabSize < BYTE_TOKENS || vocabSize > MAX_VOCAB_SIZE) {
            throw fields.fail("vocabSize is " + vocabSize + "; a BPE vocabulary has 256 to " + MAX_VOCAB_SIZE + " tokens");
        }
        if (vocabSize != BYTE_TOKENS + m) {
            throw fields.fail("vocabSize is " + vocabSize + " but there are " + m + " merges, which make 256 + " + m
                    + " = " + (BYTE_TOKENS + m) + " tokens; the file is inconsistent (edited or damaged?)");
        }
        int[] lefts = new int[m], rights = new int[m];
        for (int r = 0; r < m; r++) {
            lefts[r] = flat[2 * r];
            rights[r] = flat[2 * r + 1];
        }
        try {
            return ofMerges(lefts, rights);
        } catch (IllegalArgumentException e) {
            throw fields.fail(e.getMessage());
        }
    }

    /** The key of the pair {@code (left, right)} of non-negative ids: left·2³² + right, ordered as the pair. */
    static long pairKey(int left, int right) {
        return ((long) left << 32) | right;
    }

    @Override
    public int vocabSize() {
        return BYTE_TOKENS + lefts.length;
    }

    /** The number of merges, {@code vocabSize() - 256}. */
    public int mergeCount() {
        return lefts.length;
    }

    /** The merges in order: element r is {@code {left, right}}, which makes token {@code 256 + r}. */
    public int[][] merges() {
        int[][] merges = new int[lefts.length][];
        for (int r = 0; r < lefts.length; r++) merges[r] = new int[] {lefts[r], rights[r]};
        return merges;
    }

    /** The bytes token {@code id} stands for. */
    public byte[] tokenBytes(int id) {
        return decodeBytes(new int[] {id});
    }

    /** The ids of the UTF-8 bytes of {@code text}; a lone surrogate (not Unicode) is an error naming its index. */
    @Override
    public int[] encode(String text) {
        return encodeBytes(Utf8.encode(text));
    }

    @Override
    public int[] encodeBytes(byte[] bytes) {
        return BpeEncoder.encode(bytes, ranks);
    }

    /** The bytes of {@code ids}, decoded as UTF-8 with U+FFFD for each malformed sequence. */
    @Override
    public String decode(int[] ids) {
        return Utf8.decodeLenient(decodeBytes(ids));
    }

    @Override
    public byte[] decodeBytes(int[] ids) {
        long total = 0;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= lengths.length) {
                throw new IllegalArgumentException("ids[" + i + "] = " + id + " is out of range: this BPE tokenizer"
                        + " has " + lengths.length + " tokens (ids 0 to " + (lengths.length - 1) + ")");
            }
            total += lengths[id];
            if (total < 0 || total > MAX_ARRAY) {
                throw new IllegalArgumentException("the " + ids.length + " ids decode to more than " + MAX_ARRAY
                        + " bytes, more than a Java array holds");
            }
        }
        byte[] out = new byte[(int) total];
        int[] stack = new int[64];                      // right halves still to write
        int pos = 0;
        for (int id : ids) {
            int top = 0;
            stack[top++] = id;
            while (top > 0) {
                int t = stack[--top];
                while (t >= BYTE_TOKENS) {                  // descend to the leftmost byte, saving right halves
                    if (top == stack.length) stack = Arrays.copyOf(stack, top * 2);
                    stack[top++] = rights[t - BYTE_TOKENS];
                    t = lefts[t - BYTE_TOKENS];
                }
                out[pos++] = (byte) t;
            }
        }
        return out;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void save(Path file) throws IOException {
        TokenizerFiles.write(file, TYPE, json -> {
            json.append("  \"vocabSize\": ").append(vocabSize()).append(",\n  \"merges\": [");
            for (int r = 0; r < lefts.length; r++) {
                json.append(r == 0 ? "\n    [" : ",\n    [").append(lefts[r]).append(", ").append(rights[r]).append(']');
            }
            json.append(lefts.length == 0 ? "]" : "\n  ]");
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteBpeTokenizer other && Arrays.equals(lefts, other.lefts)
                && Arrays.equals(rights, other.rights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lefts) + Arrays.hashCode(rights);
    }

    @Override
    public String toString() {
        return "ByteBpeTokenizer(" + vocabSize() + " tokens, " + lefts.length + " merges)";
    }
}
