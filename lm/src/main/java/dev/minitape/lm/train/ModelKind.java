package dev.minitape.lm.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The language models minitape can train; each is named in lowercase on the command line and in config.json. */
public enum ModelKind {
    BIGRAM, MLP, GPT;

    /** The lowercase name: "bigram", "mlp" or "gpt". */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code id} (as {@link #id()} spells it). */
    @JsonCreator
    public static ModelKind of(String id) {
        for (ModelKind k : values()) if (k.id().equals(id)) return k;
        throw new IllegalArgumentException("ModelSpec.kind must be bigram, mlp or gpt, got '" + id + "'");
    }
}
