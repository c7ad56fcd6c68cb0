package dev.minitape.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The {@code lock} file of a run folder while a process trains into it: created atomically, holding the process's
 * id and start time. A second trainer finds it and stops; a lock whose process is gone (killed outright, so it
 * could not remove it) is taken over. The start time tells a live owner from a later process given the same id.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = "lock";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final Path file;
    private final String owner;

    private RunLock(Path file, String owner) {
        this.file = file;
        this.owner = owner;
    }

    /** Locks {@code runDir} (which exists) for this process; an IllegalArgumentException names a live owner. */
    static RunLock take(Path runDir) {
        Path file = runDir.resolve(FILE);
        String me = describe(ProcessHandle.current());
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(Files.createFile(file), me, StandardCharsets.UTF_8);
                file.toFile().deleteOnExit();              // also on Ctrl-C and SIGTERM; close() covers in-process runs
                return new RunLock(file, me);
            } catch (FileAlreadyExistsException held) {
                if (beingWritten(file)) {
                    throw new IllegalArgumentException(runDir + " is being locked by another training process just now;"
                            + " wait for it or choose another --out");
                }
                refuseIfInUse(runDir);
                deleteIfPresent(file);                     // stale: its process is gone
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException(file + " was taken again while replacing a stale lock; try again");
    }

    /**
     * Refuses a run folder another live process has locked, before this run reads its data, so a second
     * {@code train} stops at once; {@link #take} decides when it is time to write.
     */
    static void refuseIfInUse(Path runDir) {
        Path file = runDir.resolve(FILE);
        Optional<ProcessHandle> owner = Files.isRegularFile(file) ? liveOwner(file) : Optional.empty();
        if (owner.isPresent()) {
            String started = owner.get().info().startInstant().map(CLOCK::format).orElse("at an unknown time");
            throw new IllegalArgumentException(runDir + " is in use by training process " + owner.get().pid()
                    + " (started " + started + "); wait for it or choose another --out");
        }
    }

    /** "pid startMillis": what identifies a process even after its id is reused. */
    private static String describe(ProcessHandle p) {
        return p.pid() + " " + p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** An empty lock under a second old: its process created it and is about to write its id. */
    private static boolean beingWritten(Path file) {
        try {
            return Files.size(file) == 0
                    && Files.getLastModifiedTime(file).toMillis() > System.currentTimeMillis() - FRESH_MILLIS;
        } catch (IOException releasedOrUnreadable) {
            return false;                                  // reading it next says which
        }
    }

    private static final long FRESH_MILLIS = 1000;

    /** The process that wrote the lock, if it still runs; an unreadable or half-written lock has none. */
    private static Optional<ProcessHandle> liveOwner(Path file) {
        String[] fields;
        try {
            fields = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        } catch (NoSuchFileException released) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (fields.length != 2) return Optional.empty();
        try {
            String written = fields[0] + " " + fields[1];
            return ProcessHandle.of(Long.parseLong(fields[0])).filter(p -> p.isAlive() && describe(p).equals(written));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteIfPresent(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the lock if it is still this process's. */
    @Override
    public void close() {
        try {
            if (Files.readString(file, StandardCharsets.UTF_8).equals(owner)) Files.delete(file);
        } catch (IOException alreadyGone) {
            // nothing to remove
        }
    }
}
