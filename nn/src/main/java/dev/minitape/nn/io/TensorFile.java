package dev.minitape.nn.io;

import dev.minitape.core.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a safetensors file holds: its tensors by name, in file (header) order, and its {@code __metadata__}
 * strings (empty if the file has none). Both maps are read-only views in that order.
 */
public record TensorFile(Map<String, Tensor> tensors, Map<String, String> metadata) {

    public TensorFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
