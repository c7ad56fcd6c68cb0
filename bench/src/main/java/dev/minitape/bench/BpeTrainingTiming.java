package dev.minitape.bench;

import dev.minitape.lm.tokenizer.ByteBpeTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * How long byte-level BPE training takes: a 1 MiB English text to 1024 tokens, once to warm up and then
 * five timed times in the same JVM; prints min / median / max seconds, and the compression (bytes per
 * token) of the trained tokenizer on the same text. The text is the files of
 * {@code /usr/share/common-licenses} concatenated and repeated up to 1 MiB, or, where they are absent, a
 * deterministic word salad of English words (the output says which; {@code -Dbpe.corpus=generated}
 * forces the word salad). It also times encoding the whole text with the trained merges (best of the
 * repeats, after a warm-up). Run it on one core:
 * <pre>
 *   taskset -c 0 java -cp bench/target/benchmarks.jar dev.minitape.bench.BpeTrainingTiming [vocabSize] [repeats]
 * </pre>
 */
public final class BpeTrainingTiming {
    private static final int CORPUS_BYTES = 1 << 20;
    private static final Path LICENSES = Path.of("/usr/share/common-licenses");

    public static void main(String[] args) throws IOException {
        int vocabSize = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        boolean generated = "generated".equals(System.getProperty("bpe.corpus"));
        byte[] corpus = generated ? new byte[0] : licenses();
        String source = "the files of " + LICENSES + " concatenated (sorted by name) and repeated";
        if (corpus.length == 0) {
            corpus = wordSalad();
            source = "a deterministic word salad of common English words ("
                    + (generated ? "-Dbpe.corpus=generated" : LICENSES + " has no files here") + ")";
        }
        corpus = repeatTo(corpus, CORPUS_BYTES);
        System.out.printf("corpus: %d bytes, %s%n", corpus.length, source);
        System.out.printf("training to %d tokens, 1 warm-up + %d timed runs, %d processor(s) visible%n",
                vocabSize, repeats, Runtime.getRuntime().availableProcessors());

        long cold = System.nanoTime();
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train(corpus, vocabSize);       // warm-up (JIT)
        double coldSeconds = (System.nanoTime() - cold) / 1e9;
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            ByteBpeTokenizer again = ByteBpeTokenizer.train(corpus, vocabSize);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            if (!again.equals(bpe)) throw new AssertionError("training is not deterministic");
        }
        int tokens = 0;
        double encodeSeconds = Double.MAX_VALUE;
        for (int i = 0; i <= repeats; i++) {                                   // the first run warms up
            long t0 = System.nanoTime();
            tokens = bpe.encodeBytes(corpus).length;
            if (i > 0) encodeSeconds = Math.min(encodeSeconds, (System.nanoTime() - t0) / 1e9);
        }

        Arrays.sort(seconds);
        System.out.printf("train seconds: min %.3f  median %.3f  max %.3f  (%d merges; the cold warm-up run: %.3f)%n",
                seconds[0], seconds[repeats / 2], seconds[repeats - 1], bpe.mergeCount(), coldSeconds);
        System.out.printf("encode the corpus (best of %d): %.3f s, %d tokens, %.2f bytes per token%n",
                repeats, encodeSeconds, tokens, corpus.length / (double) tokens);
    }

    /** The regular files of the licenses folder, by name, concatenated; empty if there are none. */
    private static byte[] licenses() throws IOException {
        if (!Files.isDirectory(LICENSES)) return new byte[0];
        List<Path> files;
        try (Stream<Path> list = Files.list(LICENSES)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Path file : files) out.write(Files.readAllBytes(file));
        return out.toByteArray();
    }

    /** Sentences of common English words drawn with a fixed seed. */
    private static byte[] wordSalad() {
        String[] words = ("the of and to a in is it you that he was for on are with as I his they be at one have this"
                + " from or had by word but what some we can out other were all there when up use your how said an"
                + " each she which do their time if will way about many then them write would like so these her long"
                + " make thing see him two has look more day could go come did number sound no most people my over"
                + " know water than call first who may down side been now find any new work part take get place made"
                + " live where after back little only round man year came show every good me give our under name very"
                + " through just form sentence great think say help low line differ turn cause much mean before move"
                + " right boy old too same tell does set three want air well also play small end put home read hand"
                + " port large spell add even land here must big high such follow act why ask men change went light"
                + " kind off need house picture try us again animal point mother world near build self earth father")
                .split(" ");
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder text = new StringBuilder();
        while (text.length() < CORPUS_BYTES) {
            int length = 4 + random.nextInt(14);
            for (int i = 0; i < length; i++) {
                String word = words[random.nextInt(words.length)];
                text.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                text.append(i == length - 1 ? (random.nextInt(5) == 0 ? "?\n" : ". ") : random.nextInt(9) == 0 ? ", " : " ");
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] repeatTo(byte[] text, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i += text.length) System.arraycopy(text, 0, out, i, Math.min(text.length, length - i));
        return out;
    }
}
