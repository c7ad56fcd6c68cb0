package dev.minitape.lm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.nn.io.AtomicFiles;
import dev.minitape.nn.io.ModuleIo;
import dev.minitape.nn.io.SafeTensors;
import dev.minitape.nn.io.TensorFile;
import dev.minitape.nn.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A checkpoint is a folder (a "slot" inside the run folder: {@code checkpoint/} for the latest state,
 * {@code best/} for the best validation loss) holding config.json, model.safetensors, tokenizer.json,
 * optimizer.safetensors and state.json.
 *
 * <p>Saving never damages the previous checkpoint: the new one is written completely into
 * {@code SLOT.new/} (every file flushed to disk, then an empty COMPLETE marker), then {@code SLOT} is renamed to
 * {@code SLOT.old}, {@code SLOT.new} to {@code SLOT}, and {@code SLOT.old} deleted. Loading after a crash
 * at any point finds a complete checkpoint: {@code SLOT}, else a complete {@code SLOT.new}, else
 * {@code SLOT.old}.
 */
public final class Checkpoint {
    public static final String LATEST = "checkpoint";
    public static final String BEST = "best";
    private static final String STATE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {}

    /**
     * What a checkpoint holds; optimizer and state are null in a checkpoint made only for sampling.
     * {@code data} names the training text (a file path, or null for the built-in corpus) so a resumed
     * run reads the same text.
     */
    public record Contents(ModelSpec spec, TrainConfig train, String data, Tokenizer tokenizer, LanguageModel model,
                           OptimizerState optimizer, TrainerState state) {}

    public static void save(Path runDir, String slot, Contents c) throws IOException {
        save(runDir, slot, c, CheckpointWriter.DIRECT);
    }

    /** {@link #save(Path, String, Contents)}, writing each file through {@code writer}. */
    static void save(Path runDir, String slot, Contents c, CheckpointWriter writer) throws IOException {
        Path target = runDir.resolve(slot), fresh = runDir.resolve(slot + ".new"), old = runDir.resolve(slot + ".old");
        deleteTree(fresh);
        Files.createDirectories(fresh);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", c.spec());
        config.put("train", c.train());
        config.put("data", c.data());
        writer.write(fresh.resolve("config.json"), file -> writeJson(file, config));
        writer.write(fresh.resolve("model.safetensors"), file -> ModuleIo.save(c.model().module(), file));
        writer.write(fresh.resolve("tokenizer.json"), c.tokenizer()::save);
        if (c.optimizer() != null) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            c.optimizer().tensors().forEach((name, values) -> tensors.put(name, new Tensor(values, values.length)));
            writer.write(fresh.resolve("optimizer.safetensors"), file -> SafeTensors.write(file, tensors, c.optimizer().metadata()));
        }
        if (c.state() != null) writer.write(fresh.resolve(STATE), file -> writeJson(file, c.state()));
        writer.write(fresh.resolve("COMPLETE"), file -> writeJson(file, Map.of()));   // written last: the folder is whole
        if (Files.exists(target)) {
            deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** Loads the checkpoint in {@code runDir}'s slot, rebuilding the model from config.json. */
    public static Contents load(Path runDir, String slot) throws IOException {
        Path dir = locate(runDir, slot);
        ModelSpec spec;
        TrainConfig train;
        String data;
        try {
            var tree = JSON.readTree(dir.resolve("config.json").toFile());
            spec = JSON.treeToValue(tree.get("model"), ModelSpec.class);
            train = JSON.treeToValue(tree.get("train"), TrainConfig.class);
            data = tree.hasNonNull("data") ? tree.get("data").asText() : null;
        } catch (IOException | RuntimeException e) {
            throw new IOException(dir.resolve("config.json") + ": not a minitape config (" + firstLine(e) + ")", e);
        }
        Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        if (tokenizer.vocabSize() != spec.vocabSize()) {
            throw new IOException(dir + ": the tokenizer has " + tokenizer.vocabSize() + " tokens but the model expects "
                    + spec.vocabSize() + "; the folder mixes files from different runs");
        }
        LanguageModel model = buildFitting(spec, dir);
        ModuleIo.load(model.module(), dir.resolve("model.safetensors"));
        OptimizerState optimizer = null;
        Path opt = dir.resolve("optimizer.safetensors");
        if (Files.exists(opt)) {
            TensorFile f = SafeTensors.read(opt);
            Map<String, float[]> tensors = new LinkedHashMap<>();
            f.tensors().forEach((name, t) -> tensors.put(name, t.data()));
            optimizer = new OptimizerState(tensors, f.metadata());
        }
        TrainerState state = null;
        if (Files.exists(dir.resolve(STATE))) {
            try {
                state = JSON.readValue(dir.resolve(STATE).toFile(), TrainerState.class);
            } catch (IOException | RuntimeException e) {
                throw new IOException(dir.resolve(STATE) + ": not a minitape trainer state (" + firstLine(e) + ")", e);
            }
        }
        return new Contents(spec, train, data, tokenizer, model, optimizer, state);
    }

    /**
     * The model config.json describes, if model.safetensors (4 bytes per value) can hold it. A hand-edited
     * config may describe a model too large to build: that is reported as a mismatch, not a crash.
     */
    private static LanguageModel buildFitting(ModelSpec spec, Path dir) throws IOException {
        long weightBytes = Files.size(dir.resolve("model.safetensors"));
        String mismatch = ", but model.safetensors holds only " + weightBytes + " bytes; the folder mixes files from different runs";
        LanguageModel model;
        try {
            model = spec.build(new Rng(0));
        } catch (RuntimeException | OutOfMemoryError tooLarge) {
            throw new IOException(dir.resolve("config.json") + ": describes a model that cannot be built ("
                    + firstLine(tooLarge) + ")" + mismatch, tooLarge);
        }
        long count = model.module().parameterCount();
        if (count > weightBytes / 4) {
            throw new IOException(dir.resolve("config.json") + ": describes a model of " + count + " parameters" + mismatch);
        }
        return model;
    }

    /** The complete folder to load from, or an error saying what is missing. */
    public static Path locate(Path runDir, String slot) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new NoSuchFileException(runDir.toString(), null, "no such folder: point --checkpoint/--resume at a run's --out folder");
        }
        for (String candidate : new String[] {slot, slot + ".new", slot + ".old"}) {
            Path dir = runDir.resolve(candidate);
            if (Files.exists(dir.resolve("COMPLETE"))) return dir;
        }
        throw new NoSuchFileException(runDir.toString(), null, "holds no complete '" + slot
                + "' checkpoint (expected " + runDir.resolve(slot) + " written by minitape train)");
    }

    /** Writes JSON, flushed to disk before returning. */
    private static void writeJson(Path file, Object value) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(value));
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
