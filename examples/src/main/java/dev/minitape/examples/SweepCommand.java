package dev.minitape.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code minitape sweep}: trains every combination of the listed option values, for each seed, each run
 * in its own folder under --out, through {@code train} itself; then writes sweep.csv and sweep.png and
 * prints the table ({@link SweepReport}). A run is finished when its latest checkpoint is complete and at
 * its run's last step (or where --patience ended it); a rerun skips finished runs and resumes an interrupted one.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Train every combination of option values, each from the same initialization and data order "
                + "for a given seed, and tabulate their final evaluations.",
                "Any train option given a comma-separated list is an axis (write a comma inside a value as \\,); "
                + "the other train options are passed to every run as they are."},
        footer = {"", "Example: minitape sweep --label-smoothing 0,0.1 --seeds 1,2 --steps 400 --out runs/ls",
                "Each run trains in DIR/<name> (e.g. ls0.1_seed1). A rerun skips finished runs (a complete checkpoint at "
                + "its last step, or where --patience ended it) and resumes an interrupted one (Ctrl-C saves it). Without --data, every run trains on the "
                + "built-in corpus, as train does. The train options: minitape train --help."})
final class SweepCommand implements Callable<Integer> {
    @Option(names = "--seeds", split = ",", paramLabel = "LIST",
            description = "Seeds, e.g. 1,2: each seed fixes the initialization and the batch order (default: train's).")
    List<Long> seeds;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The sweep's folder: one run folder per run.")
    Path out;
    @Unmatched
    List<String> trainOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<SweepPlan.Run> runs = SweepPlan.expand(trainOptions, seeds);
        List<Integer> steps = stepsOf(runs);
        for (int i = 0; i < runs.size(); i++) {
            SweepPlan.Run run = runs.get(i);
            String which = "run " + (i + 1) + " of " + runs.size() + " (" + run.name() + ")";
            int code = trainOrResume(run, which, steps.get(i));
            if (code == TrainCommand.INTERRUPTED) {
                System.err.println("sweep interrupted in " + which + "; rerun the same command to resume it");
                return code;
            }
            if (code != 0) {
                System.err.println("sweep stopped: " + which + " failed (exit " + code + "); "
                        + "fix it and rerun: finished runs are skipped");
                return code;
            }
        }
        SweepReport.write(out, runs, System.out);
        return 0;
    }

    /** The steps each run asks for, from its train arguments, which must all parse before anything trains. */
    private static List<Integer> stepsOf(List<SweepPlan.Run> runs) {
        List<Integer> steps = new ArrayList<>();
        for (SweepPlan.Run run : runs) {
            CommandLine train = new CommandLine(new TrainCommand());
            try {
                train.parseArgs(run.trainArgs().toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException("sweep: " + e.getMessage() + " (see: minitape train --help)");
            }
            steps.add(train.getCommandSpec().findOption("--steps").getValue());
        }
        return steps;
    }

    /** Trains the run from scratch, resumes it, or skips it when finished; returns train's exit code. */
    private int trainOrResume(SweepPlan.Run run, String which, int requestedSteps) {
        Path dir = out.resolve(run.name());
        RunFolder.CheckpointStep at = RunFolder.latestCheckpoint(dir);
        if (at != null && at.steps() != requestedSteps) {
            throw new IllegalArgumentException("sweep: " + dir + " holds a run of " + at.steps() + " steps but the sweep asks for "
                    + requestedSteps + "; give the same --steps, or another --out");
        }
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(run.trainArgs());
        args.addAll(List.of("--out", dir.toString()));
        if (at == null) {
            System.out.println("sweep: " + which + ": training");
        } else if (at.finished()) {
            System.out.println("sweep: " + which + ": skipped, finished (step " + at.step() + " of " + at.steps() + ")");
            return 0;
        } else {
            System.out.println("sweep: " + which + ": resuming from step " + at.step() + " of " + at.steps());
            args.addAll(List.of("--resume", dir.toString()));
        }
        return Main.run(args.toArray(String[]::new));
    }
}
