package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.lm.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

class TokenArrayTest {

    @Test
    void encodingByPiecesEqualsEncodingAtOnceEvenAcrossSurrogatePairs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 700_000; i++) sb.append(i % 7 == 0 ? "😀" : "ab c");   // pairs straddle piece borders
        String text = sb.toString();
        CharTokenizer tok = CharTokenizer.fit(text);
        int[] whole = tok.encode(text);
        TokenArray pieces = TokenArray.encodeByPieces(text, tok);
        assertEquals(whole.length, pieces.size());
        int[] back = new int[whole.length];
        pieces.copy(0, back, 0, whole.length);
        assertArrayEquals(whole, back);
    }

    @Test
    void wideVocabulariesKeepFullIds() {
        int[] ids = {0, 65_535, 70_000, 123_456};
        TokenArray t = TokenArray.of(ids, 200_000);
        for (int i = 0; i < ids.length; i++) assertEquals(ids[i], t.get(i));
        TokenArray n = TokenArray.of(new int[] {0, 65_535}, 65_536);
        assertEquals(65_535, n.get(1));
    }
}
