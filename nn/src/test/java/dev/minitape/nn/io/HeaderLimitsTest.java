package dev.minitape.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The header's checks at the largest tensor minitape can hold (2^31 − 9 elements, the JVM's array limit),
 * on headers alone: the parser is given the data buffer's length, so no 4 GB buffer is needed.
 */
class HeaderLimitsTest {
    private static final Path FILE = Path.of("huge.safetensors");

    @Test
    void theLargestTensorPasses() throws SafeTensorsException {
        long numel = Integer.MAX_VALUE - 8, bytes = 2 * numel;
        Header h = parse(numel, bytes);
        assertEquals("w", h.entries().get(0).name());
        assertArrayEquals(new int[] {Integer.MAX_VALUE - 8}, h.entries().get(0).shape());
    }

    @Test
    void oneElementMoreIsRefused() {
        long numel = Integer.MAX_VALUE - 7, bytes = 2 * numel;
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> parse(numel, bytes));
        assertEquals(FILE + ": tensor 'w': 2147483640 elements are too many for one minitape tensor (at most 2^31 - 9)",
                e.getMessage());
    }

    /** One F16 tensor of {@code numel} elements filling a data buffer of {@code bytes}. */
    private static Header parse(long numel, long bytes) throws SafeTensorsException {
        String json = "{\"w\":{\"dtype\":\"F16\",\"shape\":[" + numel + "],\"data_offsets\":[0," + bytes + "]}}";
        return HeaderParser.parse(FILE, json.getBytes(StandardCharsets.UTF_8), bytes);
    }
}
