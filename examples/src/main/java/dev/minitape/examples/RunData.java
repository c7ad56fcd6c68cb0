package dev.minitape.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minitape.lm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a run trains on ({@code --data}: files and folders, as given) and validates on ({@code --val-data}, or
 * null for the last 10% of the training text), recorded in the run folder as {@value #FILE} so a resumed run and
 * {@code eval --temperature} read the same text again.
 */
record RunData(List<Path> data, Path valData) {
    static final String FILE = "data.json";

    /** Writes {@value #FILE} in {@code runDir}, atomically. */
    void save(Path runDir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        data.forEach(p -> root.withArray("data").add(p.toAbsolutePath().toString()));
        root.put("val_data", valData == null ? null : valData.toAbsolutePath().toString());
        Files.createDirectories(runDir);
        Path temp = Files.createTempFile(runDir, FILE + ".", ".tmp");
        try {
            Files.writeString(temp, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(temp, runDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The run's text: its {@value #FILE}; for a run made before that file, the one path its checkpoint names;
     * null for a run on the built-in corpus.
     */
    static RunData of(Path runDir, Checkpoint.Contents run) throws IOException {
        Path file = runDir.resolve(FILE);
        if (Files.exists(file)) {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            List<Path> data = new ArrayList<>();
            root.path("data").forEach(p -> data.add(Path.of(p.asText())));
            JsonNode val = root.path("val_data");
            return new RunData(data, val.isTextual() ? Path.of(val.asText()) : null);
        }
        return run.data() == null ? null : new RunData(List.of(Path.of(run.data())), null);
    }
}
