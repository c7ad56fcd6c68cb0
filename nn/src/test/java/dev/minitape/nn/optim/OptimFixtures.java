package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.nn.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading fixtures/optim/optim.json (written by generate.py beside it with PyTorch 1.13) and building the
 * parameters and optimizers it describes.
 */
final class OptimFixtures {
    private static final String RESOURCE = "/fixtures/optim/optim.json";
    private static JsonNode fixture;

    private OptimFixtures() {}

    static synchronized JsonNode fixture() {
        if (fixture != null) return fixture;
        try (InputStream in = OptimFixtures.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is missing; run /usr/bin/python3 nn/src/test/resources/fixtures/optim/generate.py");
            fixture = new ObjectMapper().readTree(in);
            return fixture;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** float32 values stored as the exact decimal of each float: parsing as double and narrowing is exact. */
    static float[] floats(JsonNode values) {
        float[] d = new float[values.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) values.get(i).asDouble();
        return d;
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    /** Fresh parameters w, b, k at the fixture's initial values, in the fixture's order. */
    static Map<String, Parameter> initialParams() {
        JsonNode fx = fixture();
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Iterator<String> it = fx.get("shapes").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            params.put(name, new Parameter(floats(fx.get("initial").get(name)), ints(fx.get("shapes").get(name))));
        }
        return params;
    }

    /** Overwrites p's gradient with {@code g} (allocating it on first use). */
    static void setGrad(Parameter p, float[] g) {
        System.arraycopy(g, 0, p.gradData(), 0, g.length);
    }

    /** The optimizer a configuration describes, with torch.optim's option names. */
    static Optimizer build(JsonNode config, Map<String, Parameter> params) {
        JsonNode o = config.get("options");
        List<ParamGroup> groups = new ArrayList<>();
        for (JsonNode g : config.get("groups")) {
            Map<String, Parameter> named = new LinkedHashMap<>();
            for (JsonNode n : g.get("params")) named.put(n.asText(), params.get(n.asText()));
            ParamGroup group = ParamGroup.of(named);
            if (g.has("lr")) group = group.withLr(g.get("lr").asDouble());
            if (g.has("weight_decay")) group = group.withWeightDecay(g.get("weight_decay").asDouble());
            groups.add(group);
        }
        switch (config.get("optimizer").asText()) {
            case "SGD": {
                Sgd.Builder b = Sgd.builder().lr(o.get("lr").asDouble());
                if (o.has("momentum")) b.momentum(o.get("momentum").asDouble());
                if (o.has("dampening")) b.dampening(o.get("dampening").asDouble());
                if (o.has("nesterov")) b.nesterov(o.get("nesterov").asBoolean());
                if (o.has("weight_decay")) b.weightDecay(o.get("weight_decay").asDouble());
                return b.build(groups);
            }
            case "Adam":
                return adam(Adam.builder(), o, groups);
            case "AdamW":
                return adam(AdamW.builder(), o, groups);
            default:
                throw new IllegalArgumentException("unknown optimizer in fixture: " + config.get("optimizer"));
        }
    }

    /** Adam or AdamW from the options the two share, each left at the builder's default when absent. */
    private static <B extends AdamCore.Options<B, O>, O extends AdamCore> O adam(B b, JsonNode o, List<ParamGroup> groups) {
        if (o.has("lr")) b.lr(o.get("lr").asDouble());
        if (o.has("betas")) b.betas(o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble());
        if (o.has("eps")) b.eps(o.get("eps").asDouble());
        if (o.has("weight_decay")) b.weightDecay(o.get("weight_decay").asDouble());
        if (o.has("amsgrad")) b.amsgrad(o.get("amsgrad").asBoolean());
        return b.build(groups);
    }

    /** True when the configuration leaves {@code name}'s gradient out at {@code step}. */
    static boolean missing(JsonNode config, String name, int step) {
        JsonNode steps = config.get("missing").get(name);
        if (steps == null) return false;
        for (JsonNode s : steps) if (s.asInt() == step) return true;
        return false;
    }
}
