package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter groups: the GPT decay split, tied weights, per-group options and what an optimizer accepts. */
class ParamGroupTest {

    /** A small GPT-like parameter tree: embeddings, a linear layer, a layer norm; the head tied to wte. */
    private static Map<String, Parameter> gptLike() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        Parameter wte = new Parameter(new float[6], 3, 2);
        m.put("wte.weight", wte);
        m.put("posEmb.weight", new Parameter(new float[8], 4, 2));
        m.put("blocks.0.mlp.fc.weight", new Parameter(new float[4], 2, 2));
        m.put("blocks.0.mlp.fc.bias", new Parameter(new float[2], 2));
        m.put("blocks.0.ln.gain", new Parameter(new float[2], 2));
        m.put("head.weight", wte);                                           // tied
        return m;
    }

    @Test
    void decayAndNoDecaySplitsByRank() {
        List<ParamGroup> groups = ParamGroup.decayAndNoDecay(gptLike(), 0.1);
        assertEquals(List.of("wte.weight", "posEmb.weight", "blocks.0.mlp.fc.weight"), List.copyOf(groups.get(0).params().keySet()));
        assertEquals(List.of("blocks.0.mlp.fc.bias", "blocks.0.ln.gain"), List.copyOf(groups.get(1).params().keySet()));
        assertEquals(0.1, groups.get(0).weightDecay());
        assertEquals(0.0, groups.get(1).weightDecay());
        assertTrue(Double.isNaN(groups.get(0).lr()), "the groups take the optimizer's lr");
    }

    @Test
    void embeddingsCanBeLeftUndecayed() {
        List<ParamGroup> groups = ParamGroup.decayAndNoDecay(gptLike(), 0.1, false);
        assertEquals(List.of("blocks.0.mlp.fc.weight"), List.copyOf(groups.get(0).params().keySet()));
        assertEquals(List.of("wte.weight", "posEmb.weight", "blocks.0.mlp.fc.bias", "blocks.0.ln.gain"),
                List.copyOf(groups.get(1).params().keySet()));
        List<ParamGroup> custom = ParamGroup.decayAndNoDecay(gptLike(), 0.1, false, name -> name.startsWith("wte"));
        assertEquals(List.of("posEmb.weight", "blocks.0.mlp.fc.weight"), List.copyOf(custom.get(0).params().keySet()));
    }

    @Test
    void embeddingNamesAreRecognizedByTheirModule() {
        assertTrue(ParamGroup.looksLikeEmbedding("transformer.wte.weight"));
        assertTrue(ParamGroup.looksLikeEmbedding("tokEmbedding.weight"));
        assertFalse(ParamGroup.looksLikeEmbedding("blocks.0.attn.qkv.weight"));
        assertFalse(ParamGroup.looksLikeEmbedding("embedding"), "the parameter's own name is not a module");
    }

    @Test
    void aTiedParameterIsKeptOnceUnderItsFirstName() {
        ParamGroup g = ParamGroup.of(gptLike());
        assertEquals(5, g.params().size());
        assertFalse(g.params().containsKey("head.weight"));
    }

    @Test
    void groupsKeepTheirOwnLrUntilSetLrSetsThemAll() {
        Map<String, Parameter> all = gptLike();
        List<ParamGroup> split = ParamGroup.decayAndNoDecay(all, 0.1);
        AdamW opt = AdamW.builder().lr(1e-3).build(List.of(split.get(0), split.get(1).withLr(5e-4)));
        assertEquals(1e-3, opt.groups().get(0).lr());
        assertEquals(5e-4, opt.groups().get(1).lr());
        assertTrue(Double.isNaN(split.get(0).lr()), "the optimizer works on copies of the groups given");
        opt.setLr(2e-3);
        assertEquals(2e-3, opt.groups().get(0).lr());
        assertEquals(2e-3, opt.groups().get(1).lr());
        assertEquals(2e-3, opt.lr());
    }

    @Test
    void aParameterInTwoGroupsIsRefused() {
        Map<String, Parameter> all = gptLike();
        Map<String, Parameter> again = Map.of("fc", all.get("blocks.0.mlp.fc.weight"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> AdamW.builder().build(List.of(ParamGroup.of(all), ParamGroup.of(again))));
        assertEquals("AdamW: parameter 'fc' is in groups 0 and 1; a parameter may be in one group only", e.getMessage());
    }

    @Test
    void twoParametersWithOneNameAreRefused() {
        Map<String, Parameter> a = Map.of("w", new Parameter(new float[1], 1)), b = Map.of("w", new Parameter(new float[1], 1));
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder().lr(0.1).build(List.of(ParamGroup.of(a), ParamGroup.of(b))));
        assertEquals("Sgd: two parameters are named 'w' (groups 0 and 1); names key the optimizer state", e.getMessage());
    }

    @Test
    void gpt2sPositionTableIsAnEmbedding() {
        assertTrue(ParamGroup.looksLikeEmbedding("transformer.wpe.weight"));
    }

    @Test
    void nanGivesAGroupOptionBackToTheOptimizer() {
        ParamGroup g = ParamGroup.of(gptLike()).withLr(0.5).withWeightDecay(0.2).withLr(Double.NaN).withWeightDecay(Double.NaN);
        AdamW opt = AdamW.builder().lr(1e-3).weightDecay(0.05).build(List.of(g));
        assertEquals(1e-3, opt.groups().get(0).lr());
        assertEquals(0.05, opt.groups().get(0).weightDecay());
    }

    @Test
    void badGroupOptionsAreNamed() {
        ParamGroup g = ParamGroup.of(gptLike());
        assertEquals("ParamGroup.withLr: lr must be finite and >= 0, got -1.0", refusal(() -> g.withLr(-1)));
        assertEquals("ParamGroup.withWeightDecay: weight decay must be finite and >= 0, got -0.1", refusal(() -> g.withWeightDecay(-0.1)));
        assertEquals("ParamGroup.withWeightDecay: weight decay must be finite and >= 0, got Infinity",
                refusal(() -> g.withWeightDecay(Double.POSITIVE_INFINITY)));
        assertEquals("ParamGroup.decayAndNoDecay: weight decay must be finite and >= 0, got -0.1",
                refusal(() -> ParamGroup.decayAndNoDecay(gptLike(), -0.1)));
        AdamW opt = AdamW.builder().build(gptLike());
        assertEquals("AdamW.setLr: lr must be finite and >= 0, got Infinity", refusal(() -> opt.setLr(Double.POSITIVE_INFINITY)));
        ParamGroup own = opt.groups().get(0);
        assertEquals("ParamGroup.setLr: lr must be finite and >= 0, got -1.0", refusal(() -> own.setLr(-1)));
    }

    private static String refusal(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void aNullNameOrParameterIsRefused() {
        Map<String, Parameter> nullParam = new LinkedHashMap<>();
        nullParam.put("w", null);
        assertEquals("ParamGroup: null name or parameter (name w)",
                assertThrows(IllegalArgumentException.class, () -> ParamGroup.of(nullParam)).getMessage());
        Map<String, Parameter> nullName = new LinkedHashMap<>();
        nullName.put(null, new Parameter(new float[1], 1));
        assertEquals("ParamGroup: null name or parameter (name null)",
                assertThrows(IllegalArgumentException.class, () -> ParamGroup.of(nullName)).getMessage());
    }

    /** An optimizer of a user's own that passes its defaults to Optimizer unchecked. */
    private static final class Unchecked extends Optimizer {
        Unchecked(List<ParamGroup> groups, double lr, double weightDecay) {
            super("Unchecked", groups, lr, weightDecay);
        }

        @Override
        protected List<String> bufferNames() {
            return List.of();
        }

        @Override
        protected void update(ParamGroup group, float[] w, float[] g, int t, float[][] buffers) {}
    }

    @Test
    void optimizerChecksTheDefaultsItFillsIn() {
        List<ParamGroup> groups = List.of(ParamGroup.of(gptLike()).withLr(0.1), ParamGroup.of(Map.of("x", new Parameter(new float[1], 1))));
        assertEquals("Unchecked: group 1: lr must be finite and >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Unchecked(groups, -1, 0)).getMessage());
        assertEquals("Unchecked: group 0: weight decay must be finite and >= 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new Unchecked(groups, 0.1, Double.NaN)).getMessage());
    }
}
