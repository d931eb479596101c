package dev.sluice.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * The whole embedded stack under one work folder: PostgreSQL, a Kafka broker and an Iceberg
 * warehouse, all on loopback with random ports. {@link #close()} stops everything, even when one
 * part fails to stop, and removes the folder.
 */
public final class EmbeddedStack implements AutoCloseable {

    /** The object-store bucket of a {@link Warehouse#REST} warehouse. */
    public static final String WAREHOUSE_BUCKET = "warehouse";

    private final Path workDir;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final IcebergWarehouse iceberg;
    private final MariaDbServer mariaDb;
    private final Map<String, Duration> startupTimes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedStack(
            Path workDir,
            PostgresServer postgres,
            KafkaBroker kafka,
            IcebergWarehouse iceberg,
            MariaDbServer mariaDb,
            Map<String, Duration> startupTimes) {
        this.workDir = workDir;
        this.mariaDb = mariaDb;
        this.postgres = postgres;
        this.kafka = kafka;
        this.iceberg = iceberg;
        this.startupTimes =
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(startupTimes));
    }

    /** Where the stack's Iceberg warehouse lives. */
    public enum Warehouse {
        /** A Hadoop catalog in a local folder: quickest, one machine only. */
        FOLDER,
        /**
         * An Iceberg REST catalog (JDBC catalog on the embedded PostgreSQL) with its tables on an
         * S3-compatible object store: what production runs. Each server runs in a child JVM.
         */
        REST
    }

    /** The stack with the folder warehouse; see {@link #start(Path, Warehouse)}. */
    public static EmbeddedStack start(Path workDir) throws Exception {
        return start(workDir, Warehouse.FOLDER);
    }

    /**
     * Starts PostgreSQL and Kafka (and for {@link Warehouse#REST} the object store) in parallel,
     * then opens the warehouse (starting the REST catalog, which needs PostgreSQL), all under
     * {@code workDir} (created if missing, removed on close). If one part fails, or the calling
     * thread is interrupted, the parts that started (or were still starting) are stopped before
     * this throws.
     */
    public static EmbeddedStack start(Path workDir, Warehouse warehouseKind) throws Exception {
        return start(workDir, warehouseKind, false);
    }

    /**
     * As {@link #start(Path, Warehouse)}, and with {@code withMariaDb} also a MariaDB server with
     * the binary log on (a MySQL source for the MySQL ingest), started in parallel with the rest.
     */
    public static EmbeddedStack start(Path workDir, Warehouse warehouseKind, boolean withMariaDb)
            throws Exception {
        long started = System.nanoTime();
        // bind SLF4J here, before two threads ask for loggers at once: otherwise it prints a
        // "substitute loggers" warning and drops their first log lines
        LoggerFactory.getILoggerFactory();
        Files.createDirectories(workDir);
        Map<String, Duration> times = new LinkedHashMap<>();
        // own threads: the common pool has a single worker on a two-core machine, which would
        // start the two servers one after the other
        ExecutorService starter =
                Executors.newFixedThreadPool(
                        4,
                        task -> {
                            Thread thread = new Thread(task, "embedded-stack-start");
                            thread.setDaemon(true);
                            return thread;
                        });
        List<Future<? extends AutoCloseable>> servers = new ArrayList<>();
        try {
            Future<PostgresServer> postgres =
                    starter.submit(timed("postgres", times, () -> PostgresServer.start(workDir)));
            servers.add(postgres);
            Future<KafkaBroker> kafka =
                    starter.submit(timed("kafka", times, () -> KafkaBroker.start(workDir)));
            servers.add(kafka);
            Future<MariaDbServer> mariaDb = null;
            if (withMariaDb) {
                mariaDb =
                        starter.submit(timed("mariadb", times, () -> MariaDbServer.start(workDir)));
                servers.add(mariaDb);
            }
            Future<ObjectStore> objectStore = null;
            if (warehouseKind == Warehouse.REST) {
                objectStore =
                        starter.submit(
                                timed(
                                        "object-store",
                                        times,
                                        () -> ObjectStore.start(workDir, WAREHOUSE_BUCKET)));
                servers.add(objectStore);
            }
            PostgresServer postgresServer = started(postgres);
            MariaDbServer mariaDbServer = mariaDb == null ? null : started(mariaDb);
            KafkaBroker kafkaBroker = started(kafka);
            IcebergWarehouse warehouse;
            if (objectStore == null) {
                warehouse =
                        timed("iceberg", times, () -> IcebergWarehouse.inFolder(workDir)).call();
            } else {
                ObjectStore store = started(objectStore);
                // the object store is closed by the warehouse from here on
                servers.remove(objectStore);
                warehouse =
                        timed("iceberg", times, () -> restWarehouse(workDir, postgresServer, store))
                                .call();
            }
            times.put("total", Duration.ofNanos(System.nanoTime() - started));
            return new EmbeddedStack(
                    workDir, postgresServer, kafkaBroker, warehouse, mariaDbServer, times);
        } catch (Exception e) {
            IllegalStateException notStarted =
                    new IllegalStateException(
                            "The embedded stack did not start under "
                                    + workDir
                                    + ": "
                                    + rootMessage(e),
                            e);
            stopAll(servers, notStarted);
            throw notStarted;
        } catch (Error e) {
            stopAll(servers, e);
            throw e;
        } finally {
            starter.shutdown();
        }
    }

    private static IcebergWarehouse restWarehouse(
            Path workDir, PostgresServer postgres, ObjectStore store) throws Exception {
        RestCatalog catalog;
        try {
            catalog = RestCatalog.start(workDir, postgres, store, WAREHOUSE_BUCKET);
        } catch (Exception e) {
            try {
                store.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return IcebergWarehouse.onRestCatalog(store, catalog);
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

    /** The MariaDB server; only in a stack started with MariaDB. */
    public MariaDbServer mariaDb() {
        if (mariaDb == null) {
            throw new IllegalStateException(
                    "This embedded stack runs no MariaDB; start it with"
                            + " EmbeddedStack.start(workDir, warehouse, true).");
        }
        return mariaDb;
    }

    /** Whether this stack runs a MariaDB server. */
    public boolean hasMariaDb() {
        return mariaDb != null;
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * How long each part took to start ({@code postgres}, {@code kafka}, {@code object-store} for a
     * REST warehouse, {@code iceberg}: the catalog, for a REST warehouse its server) and the whole
     * stack ({@code total}, less than the sum: the servers start in parallel).
     */
    public Map<String, Duration> startupTimes() {
        return startupTimes;
    }

    /** One line per component with its endpoint (no secrets), each indented by two spaces. */
    public String describe() {
        return "  "
                + postgres.describe()
                + (mariaDb == null ? "" : "\n  " + mariaDb.describe())
                + "\n  "
                + kafka.describe()
                + "\n  "
                + iceberg.describe();
    }

    /**
     * Stops the warehouse, the broker and the database (each even if another fails; later failures
     * are suppressed into the first) and removes the work folder. Safe to call twice.
     */
    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> parts = new ArrayList<>(List.of(iceberg, kafka, postgres));
        if (mariaDb != null) {
            parts.add(mariaDb);
        }
        Exception failure = closeAll(parts, null);
        try {
            Folders.delete(workDir);
        } catch (IOException e) {
            failure = addTo(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static <T> Callable<T> timed(
            String part, Map<String, Duration> times, Callable<T> start) {
        return () -> {
            long started = System.nanoTime();
            T result = start.call();
            synchronized (times) {
                times.put(part, Duration.ofNanos(System.nanoTime() - started));
            }
            return result;
        };
    }

    /** The started server, or the exception its start threw. */
    private static <T> T started(Future<T> server) throws Exception {
        try {
            return server.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Waits for every server still starting, even when interrupted (an abandoned start would leave
     * a running server behind), and stops those that started. Their failures, other than the one
     * {@code failure} reports, are suppressed into {@code failure}; an interrupt is kept.
     */
    private static void stopAll(List<Future<? extends AutoCloseable>> servers, Throwable failure) {
        boolean interrupted =
                Thread.interrupted() || failure.getCause() instanceof InterruptedException;
        for (Future<? extends AutoCloseable> server : servers) {
            AutoCloseable started = null;
            while (started == null) {
                try {
                    started = server.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() != failure && e.getCause() != failure.getCause()) {
                        failure.addSuppressed(e.getCause());
                    }
                    break;
                }
            }
            if (started != null) {
                try {
                    started.close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Exception closeAll(List<AutoCloseable> parts, Exception failure) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                failure = addTo(failure, e);
            }
        }
        return failure;
    }

    private static Exception addTo(Exception failure, Exception next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }
}
