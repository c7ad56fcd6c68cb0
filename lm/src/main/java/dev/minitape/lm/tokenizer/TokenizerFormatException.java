package dev.minitape.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tokenizer file that cannot be loaded: not JSON, not a tokenizer, a field missing or of the wrong
 * kind, an id out of range, a truncated or corrupted file. The message is {@code FILE: problem}, and the
 * problem says what was expected. Like {@code SafeTensorsException} in {@code nn}, it is an
 * {@link IOException}, so a caller that handles "cannot read this file" handles it too.
 */
public class TokenizerFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    public TokenizerFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.problem = problem;
    }

    public TokenizerFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.problem = problem;
    }

    /** The problem alone, without the file name. */
    public String problem() {
        return problem;
    }
}
