package dev.sluice.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.util.ExceptionUtils;

/**
 * Ctrl-C (or SIGTERM) for a job in the local cluster of {@code sluice run} and {@code sluice
 * ingest}: stop it with a savepoint in a known folder (cancel when none can be taken) while the JVM
 * still runs, so the command ends normally; other shutdowns do the same from a hook that keeps the
 * JVM alive until the command has closed its cluster. {@link #latest} finds the savepoint to resume
 * from.
 */
final class SavepointOnShutdown {
    static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

    private final Path savepoints;
    private final PrintWriter out;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private Thread hook;
    private StopSignals signals;
    private volatile Thread signalStop;

    SavepointOnShutdown(Path savepoints, PrintWriter out) {
        this.savepoints = savepoints;
        this.out = out;
    }

    /**
     * From now on, Ctrl-C or SIGTERM stops {@code job} with a savepoint while everything still
     * runs, and the command then ends normally (exit 0); any other shutdown of the JVM stops it the
     * same way from a shutdown hook. A second Ctrl-C quits at once.
     */
    void watch(JobClient job, String threadName) {
        hook =
                new Thread(
                        () -> {
                            if (stopping.compareAndSet(false, true)) {
                                stop(job, savepoints, out);
                                // keep the JVM alive until the command has closed the cluster
                                try {
                                    released.get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                                } catch (Exception ignored) {
                                    // exiting anyway
                                }
                            }
                        },
                        threadName);
        Runtime.getRuntime().addShutdownHook(hook);
        signals =
                StopSignals.install(
                        () -> {
                            if (stopping.compareAndSet(false, true)) {
                                out.println(
                                        "Stopping with a savepoint; a second Ctrl-C quits at"
                                                + " once ...");
                                out.flush();
                                Thread stopper =
                                        new Thread(
                                                () -> stop(job, savepoints, out),
                                                threadName + "-signal");
                                stopper.start();
                                signalStop = stopper;
                            }
                        });
    }

    /** Whether the job ended because of a stop request (then its end is not a failure). */
    boolean stopping() {
        return stopping.get();
    }

    /**
     * The job ended, by itself or stopped: restores the signal handlers, drops the shutdown hook
     * and waits until a stop that a signal started has said where its savepoint is.
     */
    void unwatch() {
        if (signals != null) {
            signals.close();
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs already
            }
        }
        Thread stopper = signalStop;
        if (stopper != null) {
            try {
                stopper.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The cluster is closed: a running shutdown hook may let the JVM exit. */
    void release() {
        released.complete(null);
    }

    /** Stops with a savepoint under {@code savepoints}; cancels when that fails. */
    static Optional<String> stop(JobClient job, Path savepoints, PrintWriter out) {
        try {
            String savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            out.println(
                    "Stopped with savepoint "
                            + savepoint
                            + " (resume: --from-savepoint "
                            + savepoint
                            + ")");
            out.flush();
            return Optional.of(savepoint);
        } catch (Exception e) {
            out.println(
                    "No savepoint ("
                            + ExceptionUtils.stripExecutionException(e).getMessage()
                            + "); cancelling.");
            try {
                job.cancel().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                out.println("Cancelled.");
            } catch (Exception cancelFailed) {
                out.println("Cancel failed: " + cancelFailed.getMessage());
            }
            out.flush();
            return Optional.empty();
        }
    }

    /**
     * The configuration of a job run from a work folder: checkpoints under {@code
     * work/checkpoints}, savepoints under {@code savepoints}, resumed from {@code resumeFrom} when
     * given.
     */
    static Configuration jobConfiguration(Path work, Path savepoints, Optional<String> resumeFrom) {
        Configuration configuration = new Configuration();
        configuration.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        configuration.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints.toUri().toString());
        resumeFrom.ifPresent(
                savepoint -> configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint));
        return configuration;
    }

    /**
     * The newest complete savepoint in {@code savepoints} (a folder holding {@code _metadata},
     * which Flink writes last), as a path Flink restores from; empty when there is none.
     */
    static Optional<String> latest(Path savepoints) throws IOException {
        if (!Files.isDirectory(savepoints)) {
            return Optional.empty();
        }
        try (Stream<Path> folders = Files.list(savepoints)) {
            return folders.filter(folder -> Files.isRegularFile(folder.resolve("_metadata")))
                    .max(Comparator.comparing(SavepointOnShutdown::metadataTime))
                    .map(folder -> folder.toUri().toString());
        }
    }

    private static FileTime metadataTime(Path folder) {
        try {
            return Files.getLastModifiedTime(folder.resolve("_metadata"));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
