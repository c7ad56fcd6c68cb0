package dev.minitape.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The merge ranks' map from pair keys to ranks: lookups, updates, and a capacity it never exceeds. */
class LongIntMapTest {

    @Test
    void aKeyWithoutAValueGivesMinusOne() {
        LongIntMap map = new LongIntMap(4);
        assertEquals(-1, map.get(ByteBpeTokenizer.pairKey('a', 'b')));
        map.put(ByteBpeTokenizer.pairKey('a', 'b'), 0);
        assertEquals(0, map.get(ByteBpeTokenizer.pairKey('a', 'b')));
        assertEquals(-1, map.get(ByteBpeTokenizer.pairKey('b', 'a')));
    }

    @Test
    void putReturnsThePreviousValueOrMinusOne() {
        // ByteBpeTokenizer.ofMerges reports a repeated merge with the rank this returns.
        LongIntMap map = new LongIntMap(4);
        long key = ByteBpeTokenizer.pairKey(256, 'a');
        assertEquals(-1, map.put(key, 5));
        assertEquals(5, map.put(key, 7));
        assertEquals(7, map.get(key));
    }

    @Test
    void holdsItsCapacityOfKeysAndRefusesOneMore() {
        // 1000 keys in a table of 2048 slots: some land on a taken slot and probe on to the next free one.
        LongIntMap map = new LongIntMap(1000);
        for (int r = 0; r < 1000; r++) assertEquals(-1, map.put(key(r), r));
        for (int r = 0; r < 1000; r++) assertEquals(r, map.get(key(r)), "rank of key " + r);
        assertEquals(-1, map.get(key(1000)));
        var full = assertThrows(IllegalStateException.class, () -> map.put(key(1000), 1000));
        assertEquals("LongIntMap is full (1000 keys)", full.getMessage());
        assertEquals(999, map.put(key(999), 0));                   // a key it holds can still change its value
        assertEquals(0, map.get(key(999)));
    }

    @Test
    void keysThatCollideOnTheLastSlotWrapAroundToTheFirst() {
        // With room for 1000 keys the table has 2048 slots, and these four pairs all hash to the last one.
        long[] keys = {ByteBpeTokenizer.pairKey(9, 140), ByteBpeTokenizer.pairKey(18, 280),
                ByteBpeTokenizer.pairKey(22, 81), ByteBpeTokenizer.pairKey(31, 221)};
        LongIntMap map = new LongIntMap(1000);
        for (int r = 0; r < 3; r++) map.put(keys[r], r);
        for (int r = 0; r < 3; r++) assertEquals(r, map.get(keys[r]));
        assertEquals(-1, map.get(keys[3]));                        // probes past the end and stops at a free slot
    }

    /** Distinct pair keys shaped like real merges: (r / 40, r % 40 + 256). */
    private static long key(int r) {
        return ByteBpeTokenizer.pairKey(r / 40, r % 40 + 256);
    }
}
