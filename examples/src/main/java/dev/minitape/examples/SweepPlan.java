package dev.minitape.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The runs of a sweep: the train options given to {@code sweep}, where every option whose value is a
 * comma-separated list is an axis, expanded into every combination of the axes' values, times each seed.
 * A comma inside one value is written {@code \,} (e.g. {@code --data 'a\,b.txt'}). The options are train's
 * own, read from its picocli model, so any option train has, now or later, can be an axis.
 */
final class SweepPlan {
    /** Short names for run folders; any other option is named without its dashes. */
    private static final Map<String, String> SHORT = Map.of("--label-smoothing", "ls", "--class-weights", "cw",
            "--z-loss", "z", "--reduction", "red", "--seed", "seed");
    private static final String SEED = "--seed";

    /** One run: its folder's name, its value of each axis (seed last), and train's arguments minus --out. */
    record Run(String name, Map<String, String> axes, List<String> trainArgs) {}

    private SweepPlan() {}

    /**
     * The runs for {@code args} (train's options, lists allowed) and {@code seeds} (null: train's default),
     * in order: the first axis varies slowest, the seed fastest.
     */
    static List<Run> expand(List<String> args, List<Long> seeds) {
        CommandSpec train = new CommandLine(new TrainCommand()).getCommandSpec();
        List<String> fixed = new ArrayList<>();
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            boolean inline = arg.startsWith("--") && arg.indexOf('=') > 0;             // --flag=value
            String flag = inline ? arg.substring(0, arg.indexOf('=')) : arg;
            OptionSpec option = arg.startsWith("-") ? train.findOption(flag) : null;
            if (option == null) {
                throw new IllegalArgumentException("sweep: '" + arg + "' is not an option of train (see: minitape train --help)");
            }
            if (flag.equals("--resume") || flag.equals(SEED)) {
                throw new IllegalArgumentException("sweep: give " + (flag.equals(SEED) ? "--seeds LIST" : "no --resume")
                        + " (a rerun of the same sweep resumes its unfinished run and skips finished ones)");
            }
            if (option.arity().max() == 0) {
                fixed.add(arg);
                continue;
            }
            String value = inline ? arg.substring(flag.length() + 1) : valueAfter(args, i++, flag);
            List<String> values = splitList(value, flag);
            if (values.size() == 1) {
                fixed.add(flag);
                fixed.add(values.get(0));
            } else if (axes.put(flag, values) != null) {
                throw new IllegalArgumentException("sweep: " + flag + " is given twice; give its values once, as a list");
            }
        }
        List<String> seedValues = new ArrayList<>();
        if (seeds == null) seedValues.add(train.findOption(SEED).defaultValue());
        else for (long s : seeds) seedValues.add(Long.toString(s));
        axes.put(SEED, seedValues);
        List<Run> runs = new ArrayList<>();
        combine(new ArrayList<>(axes.entrySet()), 0, new LinkedHashMap<>(), fixed, runs);
        checkNamesDiffer(runs);
        return runs;
    }

    private static String valueAfter(List<String> args, int i, String flag) {
        if (i + 1 >= args.size()) throw new IllegalArgumentException("sweep: " + flag + " needs a value (or a comma-separated list)");
        return args.get(i + 1);
    }

    /** Splits at commas not written as {@code \,}; every value must be non-empty. */
    static List<String> splitList(String value, String flag) {
        List<String> out = new ArrayList<>();
        for (String v : value.split("(?<!\\\\),", -1)) {
            if (v.isEmpty()) throw new IllegalArgumentException("sweep: " + flag + " '" + value + "' has an empty value in its list");
            out.add(v.replace("\\,", ","));
        }
        return out;
    }

    private static void combine(List<Map.Entry<String, List<String>>> axes, int k, Map<String, String> chosen,
                                List<String> fixed, List<Run> runs) {
        if (k == axes.size()) {
            List<String> trainArgs = new ArrayList<>(fixed);
            StringBuilder name = new StringBuilder();
            chosen.forEach((flag, value) -> {
                trainArgs.add(flag);
                trainArgs.add(value);
                name.append(name.length() == 0 ? "" : "_").append(folderPart(flag, value));
            });
            runs.add(new Run(name.toString(), new LinkedHashMap<>(chosen), trainArgs));
            return;
        }
        for (String value : axes.get(k).getValue()) {
            chosen.put(axes.get(k).getKey(), value);
            combine(axes, k + 1, chosen, fixed, runs);
        }
        chosen.remove(axes.get(k).getKey());
    }

    /** "ls0.1", "cw-balanced", "cw-weights.txt" (a path's file name), "seed1": letters, digits, '.', '-' only. */
    private static String folderPart(String flag, String value) {
        String shortName = SHORT.getOrDefault(flag, flag.replaceFirst("^-+", ""));
        String file = value.substring(value.lastIndexOf('/') + 1);
        String v = (file.isEmpty() ? value : file).replaceAll("[^A-Za-z0-9.-]", "-");
        return shortName + (isNumber(value) ? "" : "-") + v;
    }

    static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void checkNamesDiffer(List<Run> runs) {
        Map<String, Run> byName = new HashMap<>();
        for (Run r : runs) {
            Run other = byName.put(r.name(), r);
            if (other != null) {
                throw new IllegalArgumentException("sweep: runs " + other.axes() + " and " + r.axes() + " would share the folder "
                        + r.name() + ": give values that differ (a path is named by its file name)");
            }
        }
    }
}
