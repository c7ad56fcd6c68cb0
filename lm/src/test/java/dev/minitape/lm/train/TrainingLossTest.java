package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.lm.data.Batch;
import dev.minitape.lm.data.CopyTask;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.model.Seq2SeqTransformer;
import dev.minitape.lm.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

/** Both trainers train with their loss options, and the language model's validation loss stays the plain NLL. */
class TrainingLossTest {
    private static final String TEXT = SyntheticCorpus.standard().generate(20_000, new Rng(1));
    private static final CharTokenizer TOK = CharTokenizer.fit(TEXT);
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(16).nLayer(1).nHead(2).nEmbd(16).build();
    private static final TextDataset DATA = new TextDataset(TOK.encode(TEXT), TOK.vocabSize(), 16);
    private static final LossOptions OPTIONS = new LossOptions(0.2, 1e-2, LossReduction.SEQUENCE, ClassWeights.balanced(DATA.trainCounts()));

    private static TrainConfig config(LossOptions loss) {
        return TrainConfig.builder().steps(2).batchSize(4).blockSize(16).warmup(1).evalBatches(3).seed(7).loss(loss).build();
    }

    @Test
    void theLanguageModelsFirstStepLossIsTheConfiguredCrossEntropy() {
        double[] first = new double[1];
        TrainingListener firstLoss = new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tokensPerSec) {
                if (step == 1) first[0] = loss;
            }
        };
        new Trainer(SPEC.build(new Rng(3)), SPEC, TOK, DATA, config(OPTIONS), null, Double.NaN, firstLoss).train();

        Batch batch = DATA.trainBatch(4, 16, new Rng(7));              // the trainer's first batch: its sampler starts at the seed
        LanguageModel same = SPEC.build(new Rng(3));
        double expected, plain;
        try (var off = Tape.noGrad()) {
            expected = OPTIONS.crossEntropy().build().apply(same.forward(batch.x(), 4, 16), batch.y()).item();
            plain = LossOptions.PLAIN.crossEntropy().build().apply(same.forward(batch.x(), 4, 16), batch.y()).item();
        }
        assertEquals(expected, first[0], 0);
        assertNotEquals(plain, expected);
    }

    @Test
    void validationLossIsThePlainNllWhateverTheTrainingLoss() {
        double withOptions = new Trainer(SPEC.build(new Rng(3)), SPEC, TOK, DATA, config(OPTIONS), null, Double.NaN, null).evaluate();
        double plain = new Trainer(SPEC.build(new Rng(3)), SPEC, TOK, DATA, config(LossOptions.PLAIN), null, Double.NaN, null).evaluate();
        assertEquals(plain, withOptions, 0);
    }

    @Test
    void theSeq2SeqTrainersFirstStepLossIsTheConfiguredCrossEntropyWithPaddingIgnored() {
        CopyTask task = new CopyTask(CopyTask.Kind.COPY, 6, 1, 5, 10, 1);
        Seq2SeqTransformer.Config c = new Seq2SeqTransformer.Config(task.vocabSize(), 8, 2, 1, 1, 7, 0f, false);
        LossOptions options = new LossOptions(0.1, 1e-3, LossReduction.SEQUENCE,
                ClassWeights.balanced(task.targetCounts(500, new Rng(2))));
        double[] first = new double[1];
        new Seq2SeqTrainer(new Seq2SeqTransformer(c, new Rng(1)), task, 8, 1e-3, options, 5, null).train(1, 1, 2,
                new Seq2SeqTrainer.Listener() {
                    @Override
                    public void onStep(int step, double loss) {
                        first[0] = loss;
                    }
                });

        CopyTask.Batch b = task.trainBatch(8, new Rng(5));              // the trainer's first batch
        Seq2SeqTransformer same = new Seq2SeqTransformer(c, new Rng(1));
        double expected;
        try (var off = Tape.noGrad()) {
            expected = options.crossEntropy().ignoreIndex(Seq2SeqTransformer.PAD).build()
                    .apply(same.forward(b.src(), b.srcLen(), b.tgtIn(), b.tgtLen(), b.size()), b.tgtOut()).item();
        }
        assertEquals(expected, first[0], 0);
    }
}
