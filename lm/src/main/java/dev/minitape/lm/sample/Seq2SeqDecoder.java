package dev.minitape.lm.sample;

import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.model.Seq2SeqTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoding a {@link Seq2SeqTransformer}: the source is encoded once, then the decoder runs one token
 * at a time on its key/value caches, until EOS or a length limit. Outputs include the final EOS when
 * one was produced.
 */
public final class Seq2SeqDecoder {
    private Seq2SeqDecoder() {}

    /** Greedy decoding of each source (a batch at once); each output stops at its first EOS. */
    public static List<int[]> greedy(Seq2SeqTransformer model, List<int[]> sources, int maxSteps) {
        int b = sources.size(), s = 0;
        for (int[] x : sources) s = Math.max(s, x.length);
        int[] src = new int[b * s];
        for (int i = 0; i < b; i++) System.arraycopy(sources.get(i), 0, src, i * s, sources.get(i).length);
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < b; i++) out.add(new ArrayList<>());
        boolean[] done = new boolean[b];
        boolean wasTraining = model.isTraining();
        try (var off = Tape.noGrad()) {
            model.eval();
            Tensor padding = Seq2SeqTransformer.paddingMask(src, b, s);
            Tensor memory = model.encode(src, b, s, padding);
            Seq2SeqTransformer.Caches caches = model.newCaches();
            int[] next = new int[b];
            Arrays.fill(next, Seq2SeqTransformer.BOS);
            for (int step = 0; step < maxSteps; step++) {
                Tensor logits = model.decode(next, b, 1, memory, padding, caches);
                int v = logits.size(-1);
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    next[i] = argmax(logits.data(), i * v, v);
                    if (!done[i]) {
                        out.get(i).add(next[i]);
                        done[i] = next[i] == Seq2SeqTransformer.EOS;
                    }
                    all &= done[i];
                }
                if (all) break;
            }
        } finally {
            if (wasTraining) model.train();
        }
        List<int[]> result = new ArrayList<>();
        for (List<Integer> o : out) result.add(o.stream().mapToInt(Integer::intValue).toArray());
        return result;
    }

    /**
     * Beam search of width k for one source: keeps the k best partial outputs by total log-probability,
     * moves a beam to the finished list when it emits EOS, and returns the finished output with the best
     * length-normalized score (total log-probability / length).
     */
    public static int[] beam(Seq2SeqTransformer model, int[] source, int k, int maxSteps) {
        if (k <= 0) throw new IllegalArgumentException("--beam must be positive, got " + k);
        int s = source.length;
        List<int[]> finished = new ArrayList<>();
        List<Double> finishedScores = new ArrayList<>();
        boolean wasTraining = model.isTraining();
        try (var off = Tape.noGrad()) {
            model.eval();
            Tensor padding = Seq2SeqTransformer.paddingMask(source, 1, s);
            Tensor memory = model.encode(source, 1, s, padding);
            Seq2SeqTransformer.Caches caches = model.newCaches();
            List<int[]> beams = List.of(new int[0]);
            double[] scores = {0};
            int[] rows = {0};
            for (int step = 0; step < maxSteps && !beams.isEmpty(); step++) {
                int n = beams.size();
                int[] feed = new int[n];
                for (int i = 0; i < n; i++) {
                    int[] beam = beams.get(i);
                    feed[i] = beam.length == 0 ? Seq2SeqTransformer.BOS : beam[beam.length - 1];
                }
                caches.reorder(rows);
                Tensor mem = memory.indexSelect(0, new int[n]), pad = padding.indexSelect(0, new int[n]);
                Tensor logp = model.decode(feed, n, 1, mem, pad, caches).logSoftmax(-1);
                int v = logp.size(-1);
                // Every (beam, token) extension, best first.
                List<double[]> cands = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int tok = 0; tok < v; tok++) cands.add(new double[] {scores[i] + logp.data()[i * v + tok], i, tok});
                }
                cands.sort((a, c) -> Double.compare(c[0], a[0]));
                List<int[]> nextBeams = new ArrayList<>();
                List<Integer> parents = new ArrayList<>();
                List<Double> nextScores = new ArrayList<>();
                for (double[] c : cands) {
                    if (nextBeams.size() == k) break;
                    int parent = (int) c[1], tok = (int) c[2];
                    int[] extended = Arrays.copyOf(beams.get(parent), beams.get(parent).length + 1);
                    extended[extended.length - 1] = tok;
                    if (tok == Seq2SeqTransformer.EOS) {
                        finished.add(extended);
                        finishedScores.add(c[0] / extended.length);
                        if (finished.size() >= k) break;
                    } else {
                        nextBeams.add(extended);
                        parents.add(parent);
                        nextScores.add(c[0]);
                    }
                }
                if (finished.size() >= k) break;
                beams = nextBeams;
                rows = parents.stream().mapToInt(Integer::intValue).toArray();
                scores = nextScores.stream().mapToDouble(Double::doubleValue).toArray();
                if (step == maxSteps - 1) {
                    for (int i = 0; i < beams.size(); i++) {
                        finished.add(beams.get(i));
                        finishedScores.add(scores[i] / beams.get(i).length);
                    }
                }
            }
        } finally {
            if (wasTraining) model.train();
        }
        int best = 0;
        for (int i = 1; i < finished.size(); i++) if (finishedScores.get(i) > finishedScores.get(best)) best = i;
        return finished.isEmpty() ? new int[0] : finished.get(best);
    }

    private static int argmax(float[] x, int at, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) if (x[at + j] > x[at + best]) best = j;
        return best;
    }
}
