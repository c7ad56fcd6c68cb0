package dev.minitape.lm.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void textBeforeTheStopIsShownAndNothingAfter() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("hello ", s.feed("hello "));
        assertEquals("wor", s.feed("worEND and more"));
        assertTrue(s.stopped());
        assertEquals("", s.feed("later"));
        assertEquals("", s.rest());
    }

    @Test
    void aPossibleStartOfAStopIsHeldUntilDecided() {
        StopStrings s = new StopStrings(List.of("\n\n"));
        assertEquals("line", s.feed("line\n"), "the newline could start the stop string");
        assertEquals("\nnext", s.feed("next"), "it did not: shown with what follows");
        assertEquals("", s.feed("\n"));
        assertEquals("", s.feed("\n"), "completed: the held newline is never shown");
        assertTrue(s.stopped());
    }

    @Test
    void theHeldTextIsAtMostTheLongestStopLessOne() {
        StopStrings s = new StopStrings(List.of("abcd", "x"));
        assertEquals("", s.feed("a"));
        assertEquals("", s.feed("b"));
        assertEquals("", s.feed("c"));
        assertEquals("abc", s.feed("a"), "abca: only the last a can still start abcd");
        assertEquals("a", s.feed("a"));
        assertFalse(s.stopped());
        assertEquals("a", s.rest(), "the end of generation shows what was held");
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        StopStrings s = new StopStrings(List.of("cat", "at"));
        assertEquals("the ", s.feed("the cat"), "cat starts before at");
    }

    @Test
    void anEmptyStopIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
    }
}
