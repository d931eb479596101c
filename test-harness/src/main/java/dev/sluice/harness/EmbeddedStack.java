package dev.sluice.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole embedded stack under one work folder: PostgreSQL, a Kafka broker and an Iceberg
 * warehouse, all on loopback with random ports. {@link #close()} stops everything, even when one
 * part fails to stop, and removes the folder.
 */
public final class EmbeddedStack implements AutoCloseable {

    private final Path workDir;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final IcebergWarehouse iceberg;

    private EmbeddedStack(
            Path workDir, PostgresServer postgres, KafkaBroker kafka, IcebergWarehouse iceberg) {
        this.workDir = workDir;
        this.postgres = postgres;
        this.kafka = kafka;
        this.iceberg = iceberg;
    }

    /** Starts PostgreSQL and Kafka in parallel, then opens the warehouse. */
    public static EmbeddedStack start(Path workDir) throws Exception {
        Files.createDirectories(workDir);
        CompletableFuture<PostgresServer> postgres =
                CompletableFuture.supplyAsync(() -> unchecked(() -> PostgresServer.start(workDir)));
        CompletableFuture<KafkaBroker> kafka =
                CompletableFuture.supplyAsync(() -> unchecked(() -> KafkaBroker.start(workDir)));
        try {
            CompletableFuture.allOf(postgres, kafka).join();
            return new EmbeddedStack(
                    workDir, postgres.join(), kafka.join(), IcebergWarehouse.inFolder(workDir));
        } catch (CompletionException | IOException e) {
            Exception failure =
                    new IllegalStateException(
                            "The embedded stack did not start: " + rootMessage(e), e);
            closeQuietly(postgres, failure);
            closeQuietly(kafka, failure);
            throw failure;
        }
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public IcebergWarehouse iceberg() {
        return iceberg;
    }

    public Path workDir() {
        return workDir;
    }

    /** One line per component with its endpoint (no secrets). */
    public String describe() {
        return "  " + postgres.describe() + "\n  " + kafka.describe() + "\n  " + iceberg.describe();
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable part : new AutoCloseable[] {iceberg, kafka, postgres}) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            Folders.delete(workDir);
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private interface Start<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(Start<T> start) {
        try {
            return start.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static void closeQuietly(
            CompletableFuture<? extends AutoCloseable> part, Exception failure) {
        try {
            AutoCloseable started = part.getNow(null);
            if (started != null) {
                started.close();
            }
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }
}
