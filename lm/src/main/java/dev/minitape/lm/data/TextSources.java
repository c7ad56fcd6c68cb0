package dev.minitape.lm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The text files a run reads, in order: each given file, and for each given folder the regular files inside
 * it and its subfolders (hidden ones, whose names start with a dot, left out), sorted by path. A missing
 * path, an empty file or a folder without files is an IllegalArgumentException naming it.
 */
public record TextSources(List<Path> files) {

    public TextSources {
        files = List.copyOf(files);
    }

    /** The files of {@code paths}, files and folders, in the order given. */
    public static TextSources of(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) throw new IllegalArgumentException(p + " does not exist");
            if (Files.isDirectory(p)) {
                List<Path> inside = filesIn(p);
                if (inside.isEmpty()) throw new IllegalArgumentException(p + " is a folder without files: give a folder of text files");
                files.addAll(inside);
            } else {
                files.add(p);
            }
        }
        for (Path f : files) {
            if (!Files.isReadable(f)) throw new IllegalArgumentException(f + " cannot be read (check its permissions)");
            if (size(f) == 0) throw new IllegalArgumentException(f + " is empty: give a text file to train on, or remove it");
        }
        return new TextSources(files);
    }

    private static List<Path> filesIn(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).filter(f -> noHiddenPart(folder.relativize(f))).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(folder + " cannot be listed: " + e.getMessage(), e);
        }
    }

    private static boolean noHiddenPart(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return false;
        return true;
    }

    /** The total size in bytes. */
    public long bytes() {
        return files.stream().mapToLong(TextSources::size).sum();
    }

    /**
     * A hex SHA-256 of each file's absolute path, size and modification time: it changes when a file is
     * edited, added, removed or renamed, without reading the bytes.
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                String line = f.toAbsolutePath().normalize() + "\t" + size(f) + "\t" + Files.getLastModifiedTime(f).toMillis() + "\n";
                sha.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new IllegalArgumentException(f + " cannot be read: " + e.getMessage(), e);
        }
    }
}
