package dev.minitape.nn.io;

import dev.minitape.core.Tensor;
import dev.minitape.nn.Module;
import dev.minitape.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a module's parameters to a safetensors file under their dotted names
 * ({@link Module#namedParameters()}) and loads them back.
 *
 * <p><b>Tied parameters.</b> A parameter registered under several names (tied weights) is written once,
 * under its first name; each later name is recorded in the metadata as
 * {@code "minitape.tied.<later name>": "<first name>"}. Loading accepts that record, and also a file that
 * holds every name of a tied parameter (as PyTorch's {@code state_dict()} does) provided the copies are
 * equal, or only one of them (as {@code safetensors.torch.save_model} does).
 */
public final class ModuleIo {
    /** Metadata keys starting with this record tied names; they are reserved. */
    public static final String TIED_PREFIX = "minitape.tied.";

    private ModuleIo() {}

    /** {@link #save(Module, Path, Map)} with no metadata of the caller's. */
    public static void save(Module module, Path file) throws IOException {
        save(module, file, Map.of());
    }

    /** Writes every distinct parameter of {@code module} to {@code file} (atomically), with the metadata. */
    public static void save(Module module, Path file, Map<String, String> metadata) throws IOException {
        if (metadata == null) throw new IllegalArgumentException("ModuleIo.save " + file + ": metadata is null; pass Map.of()");
        Map<String, String> meta = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith(TIED_PREFIX)) {
                throw new IllegalArgumentException("ModuleIo.save " + file + ": metadata key '" + k + "' starts with '"
                        + TIED_PREFIX + "', which is reserved for tied parameters; choose another key");
            }
            meta.put(k, v);
        });
        Map<String, Parameter> tensors = new LinkedHashMap<>();
        Map<Parameter, String> firstName = new IdentityHashMap<>();
        module.namedParameters().forEach((name, p) -> {
            String first = firstName.putIfAbsent(p, name);
            if (first == null) tensors.put(name, p);
            else meta.put(TIED_PREFIX + name, first);
        });
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Copies the tensors of {@code file} into the parameters of {@code module} with the same names, and
     * returns the file's metadata. Everything is checked first: if any parameter is missing from the
     * file, any tensor in the file has no parameter, a shape differs, or two copies of a tied parameter
     * differ, this throws a {@link SafeTensorsException} listing them all and the module is unchanged.
     */
    public static Map<String, String> load(Module module, Path file) throws IOException {
        TensorFile contents = SafeTensors.read(file);
        Map<String, Tensor> available = withTiedNames(file, contents);

        // Group the module's names by parameter: tied names share one.
        Map<Parameter, List<String>> names = new IdentityHashMap<>();
        List<Parameter> order = new ArrayList<>();
        module.namedParameters().forEach((name, p) -> names.computeIfAbsent(p, k -> {
            order.add(k);
            return new ArrayList<>();
        }).add(name));

        List<String> missing = new ArrayList<>();
        List<String> badShapes = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        Map<Parameter, Tensor> plan = new IdentityHashMap<>();
        for (Parameter p : order) {
            List<String> group = names.get(p);
            String chosen = null;
            for (String name : group) {
                Tensor t = available.get(name);
                if (t == null) continue;
                if (!Arrays.equals(t.shape(), p.shape())) {
                    badShapes.add(name + ": file " + Arrays.toString(t.shape()) + " vs module " + Arrays.toString(p.shape()));
                } else if (chosen == null) {
                    chosen = name;
                } else if (!Arrays.equals(t.data(), available.get(chosen).data())) {
                    conflicts.add(chosen + " and " + name);
                }
            }
            if (chosen != null) plan.put(p, available.get(chosen));
            else if (group.stream().noneMatch(available::containsKey)) missing.addAll(group);
        }
        List<String> unexpected = new ArrayList<>();
        Map<String, Parameter> params = module.namedParameters();
        for (String name : available.keySet()) if (!params.containsKey(name)) unexpected.add(name);

        if (!missing.isEmpty() || !unexpected.isEmpty() || !badShapes.isEmpty() || !conflicts.isEmpty()) {
            StringBuilder sb = new StringBuilder("does not match ").append(module.getClass().getSimpleName())
                    .append(" (nothing was loaded): missing: ").append(missing)
                    .append(", unexpected: ").append(unexpected);
            if (!badShapes.isEmpty()) sb.append(", shape mismatch: ").append(badShapes);
            if (!conflicts.isEmpty()) sb.append(", tied parameters with different values in the file: ").append(conflicts);
            throw new SafeTensorsException(file, sb.toString());
        }
        plan.forEach((p, t) -> p.set(t.data()));
        return contents.metadata();
    }

    /** The file's tensors plus, for each tied name recorded in its metadata, the tensor it shares. */
    private static Map<String, Tensor> withTiedNames(Path file, TensorFile contents) throws SafeTensorsException {
        Map<String, Tensor> out = new LinkedHashMap<>(contents.tensors());
        for (Map.Entry<String, String> m : contents.metadata().entrySet()) {
            if (!m.getKey().startsWith(TIED_PREFIX)) continue;
            String alias = m.getKey().substring(TIED_PREFIX.length());
            Tensor shared = contents.tensors().get(m.getValue());
            if (shared == null) {
                throw new SafeTensorsException(file, "metadata ties '" + alias + "' to '" + m.getValue()
                        + "', which is not a tensor in the file");
            }
            if (out.containsKey(alias)) {
                throw new SafeTensorsException(file, "'" + alias + "' is both a tensor and, in the metadata, tied to '"
                        + m.getValue() + "'");
            }
            out.put(alias, shared);
        }
        return out;
    }
}
