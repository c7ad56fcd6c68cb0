package dev.minitape.nn.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an optimizer needs to continue exactly where it stopped, as named float arrays and string
 * scalars, the two things a safetensors file holds (tensors and its string-to-string {@code __metadata__}).
 *
 * <p>Tensors are keyed {@code <parameter name>.<buffer>}: {@code momentum_buffer} (Sgd with momentum),
 * {@code exp_avg}, {@code exp_avg_sq} and, with AMSGrad, {@code max_exp_avg_sq} (Adam, AdamW), as in
 * PyTorch's state_dict. Metadata holds {@code optimizer} (the class's simple name), {@code step_count}
 * (calls to step()), {@code group.<i>.lr} (each group's current lr) and {@code <parameter name>.step}
 * (updates that parameter has had; a parameter that never had a gradient has no entry and no tensors).
 * Doubles are written with {@link Double#toString(double)}, which reads back exactly.
 *
 * <p>Both maps are unmodifiable copies in insertion order; the arrays are the record's own (not shared with
 * the optimizer), so writing them out later is safe while training goes on.
 */
public record OptimizerState(Map<String, float[]> tensors, Map<String, String> metadata) {

    public OptimizerState {
        Objects.requireNonNull(tensors, "OptimizerState: tensors");
        Objects.requireNonNull(metadata, "OptimizerState: metadata");
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The metadata value for {@code key}; an error naming the key and the keys present if it is missing. */
    public String require(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("OptimizerState: metadata has no '" + key + "' (keys: "
                    + metadata.keySet() + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        return "OptimizerState(" + tensors.size() + " tensors " + tensors.keySet() + ", metadata " + metadata + ")";
    }
}
