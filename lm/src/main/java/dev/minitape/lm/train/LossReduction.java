package dev.minitape.lm.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.minitape.core.Reduction;
import java.util.Locale;

/**
 * How a training loss averages its positions: {@code token}, the mean over all kept target tokens, or
 * {@code sequence}, each sequence's mean over its kept tokens and then the mean over sequences (so a long
 * sequence counts as much as a short one). Named in lowercase on the command line and in config.json.
 */
public enum LossReduction {
    TOKEN(Reduction.MEAN), SEQUENCE(Reduction.SEQUENCE_MEAN);

    private final Reduction reduction;

    LossReduction(Reduction reduction) {
        this.reduction = reduction;
    }

    /** The cross-entropy reduction that computes it. */
    public Reduction reduction() {
        return reduction;
    }

    /** "token" or "sequence". */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reduction named {@code id} (as {@link #id()} spells it). */
    @JsonCreator
    public static LossReduction of(String id) {
        for (LossReduction r : values()) if (r.id().equals(id)) return r;
        throw new IllegalArgumentException("LossOptions.reduction must be token or sequence, got '" + id + "'");
    }
}
