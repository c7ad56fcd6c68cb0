package dev.minitape.examples;

import java.nio.file.Path;

/**
 * Where tokenized text is cached ({@link dev.minitape.lm.data.CorpusCache}): {@code --cache-dir}, else
 * {@code $MINITAPE_CACHE}, else {@code $XDG_CACHE_HOME/minitape}, else {@code ~/.cache/minitape}.
 */
final class CacheFolder {
    static final String ENV = "MINITAPE_CACHE";

    private CacheFolder() {}

    /** The folder: {@code given} when not null, else from the environment. */
    static Path resolve(Path given) {
        if (given != null) return given;
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("minitape");
    }
}
