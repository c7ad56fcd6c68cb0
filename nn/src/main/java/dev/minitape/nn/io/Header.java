package dev.minitape.nn.io;

import java.util.List;
import java.util.Map;

/**
 * The checked JSON header of a safetensors file: the tensors in file order and the {@code __metadata__}
 * strings (empty if absent). Every entry's shape, dtype and byte range agree, and the ranges tile the
 * data buffer exactly.
 */
record Header(List<Entry> entries, Map<String, String> metadata) {

    /** One tensor: its name, dtype, shape and byte range [begin, end) relative to the data buffer. */
    record Entry(String name, DType dtype, int[] shape, long begin, long end) {

        /** The element count; fits an int once the header is checked. */
        int numel() {
            return (int) ((end - begin) / dtype.size);
        }
    }
}
