package dev.minitape.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that cannot be read (it is malformed, or holds something minitape cannot load), or
 * that does not match the module it is loaded into. The message names the file and the problem.
 */
public class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafeTensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
