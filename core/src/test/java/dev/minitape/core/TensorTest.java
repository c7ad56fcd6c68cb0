package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void ofCopiesAndReadsRowMajor() {
        float[] values = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(values, 2, 3);
        values[0] = 99;
        assertEquals(1f, t.get(0, 0));
        assertEquals(6f, t.get(1, 2));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(3, t.size(-1));
    }

    @Test
    void factories() {
        assertArrayEquals(new float[] {0, 0, 0, 0}, Tensor.zeros(2, 2).toArray());
        assertArrayEquals(new float[] {1, 1, 1}, Tensor.ones(3).toArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7, 2).toArray());
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toArray());
        assertEquals(2.5f, Tensor.scalar(2.5f).item());
        assertEquals(0, Tensor.scalar(1).dim());
    }

    @Test
    void badShapesAndIndicesAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Tensor(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).item());
        assertTrue(e.getMessage().contains("item()"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).get(2, 0));
        assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
    }

    @Test
    void opErrorsNameTheOpAndTheShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().startsWith("add:") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertTrue(e.getMessage().startsWith("matmul:") && e.getMessage().contains("do not chain"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.softmax(2));
        assertTrue(e.getMessage().contains("softmax: dim 2 is out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2));
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.indexSelect(0, new int[] {2}));
        assertTrue(e.getMessage().contains("indexSelect: index 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.gather(1, new int[] {0, 1, 3, 0}));
        assertTrue(e.getMessage().contains("gather: index 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.slice(1, 2, 5));
        assertTrue(e.getMessage().contains("slice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, a, Tensor.zeros(2, 2)));
        assertTrue(e.getMessage().contains("concat"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.dropout(1.5f, new Rng(0)));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }

    @Test
    void reshapeInfersOneSizeAndSharesNothingVisible() {
        Tensor t = Tensor.arange(6).reshape(-1, 2);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertEquals(5f, t.get(2, 1));
    }

    @Test
    void dropoutKeepsTheExpectation() {
        Tensor x = Tensor.ones(100_000);
        Tensor y = x.dropout(0.25f, new Rng(4));
        assertEquals(1.0, y.mean().item(), 0.01);
        int zeros = 0;
        for (float v : y.data()) if (v == 0f) zeros++; else assertEquals(1f / 0.75f, v, 1e-6);
        assertEquals(0.25, zeros / 100_000.0, 0.01);
        assertArrayEquals(y.toArray(), x.dropout(0.25f, new Rng(4)).toArray(), "seeded dropout repeats");
    }
}
