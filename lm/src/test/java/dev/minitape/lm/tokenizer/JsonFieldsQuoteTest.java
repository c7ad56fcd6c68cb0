package dev.minitape.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * How a name or string from a tokenizer file is shown in an error message ({@link JsonFields#quote}): in double
 * quotes, as itself where it prints, escaped where it would not show or would break the message's text.
 */
class JsonFieldsQuoteTest {

    @Test
    void printableTextIsShownAsItIs() {
        for (String text : new String[] {"word piece", "😀 café 😀", ""}) assertEquals('"' + text + '"', JsonFields.quote(text));
    }

    @Test
    void controlCharactersAndDeleteAreEscaped() {
        assertEquals("\"a\\u000Ab\\u0000c\\u001Fd\\u007Fe~\"", JsonFields.quote("a\nb\u0000c\u001Fd\u007Fe~"));
    }

    @Test
    void halfOfASurrogatePairIsEscaped() {
        // A JSON escape such as "\ud83d" puts a lone half of a pair into a string; printed raw it is not text.
        assertEquals("\"\\uD83Dx\"", JsonFields.quote("\uD83Dx"));
        assertEquals("\"x\\uD83D\"", JsonFields.quote("x\uD83D"));
        assertEquals("\"\\uDE00x\"", JsonFields.quote("\uDE00x"));
        assertEquals("\"x\\uDE00\"", JsonFields.quote("x\uDE00"));
        assertEquals("\"\\uDE00\\uD83D\"", JsonFields.quote("\uDE00\uD83D"));               // the halves swapped
    }

    @Test
    void textLongerThan40CharactersIsCutTo37AndAnEllipsis() {
        assertEquals("\"" + "a".repeat(40) + "\"", JsonFields.quote("a".repeat(40)));
        assertEquals("\"" + "a".repeat(37) + "...\"", JsonFields.quote("a".repeat(41)));
        // a cut through an emoji keeps its first half, which is then escaped
        assertEquals("\"" + "a".repeat(36) + "\\uD83D...\"", JsonFields.quote("a".repeat(36) + "😀" + "b".repeat(10)));
    }
}
