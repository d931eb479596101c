package dev.sluice.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An Iceberg REST catalog server on a random loopback port: Iceberg's reference REST server over a
 * JDBC catalog in a database of the embedded PostgreSQL, writing to a bucket of an {@link
 * ObjectStore}, in a child JVM ({@link ServerProcess}). Clients authenticate with a bearer token
 * made for this run. {@link #stop()} and {@link #restart()} (same port) simulate an outage.
 */
public final class RestCatalog implements AutoCloseable {
    /** The PostgreSQL database holding the catalog's tables. */
    public static final String DATABASE = "iceberg_rest_catalog";

    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(90);

    private final Path folder;
    private final Map<String, String> environment;
    private final String token;
    private final String warehouse;
    private final List<String> secrets;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ServerProcess server;
    private final int port;

    private RestCatalog(
            Path folder,
            Map<String, String> environment,
            String token,
            String warehouse,
            List<String> secrets,
            ServerProcess server) {
        this.folder = folder;
        this.environment = environment;
        this.token = token;
        this.warehouse = warehouse;
        this.secrets = secrets;
        this.server = server;
        this.port = server.port();
    }

    /**
     * Starts a catalog under {@code workDir/rest-catalog} whose tables live under {@code
     * s3://<bucket>/} of {@code store}, keeping its own tables in {@link #DATABASE} on {@code
     * postgres}.
     */
    public static RestCatalog start(
            Path workDir, PostgresServer postgres, ObjectStore store, String bucket)
            throws IOException, SQLException {
        Path folder = Files.createDirectories(workDir.resolve("rest-catalog"));
        postgres.createDatabase(DATABASE);
        String token = ObjectStore.randomHex(24);
        String warehouse = "s3://" + bucket + "/";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_CATALOG_PORT", "0");
        env.put("SLUICE_CATALOG_TOKEN", token);
        env.put("SLUICE_CATALOG_JDBC_URL", postgres.jdbcUrl(DATABASE));
        env.put("SLUICE_CATALOG_JDBC_USER", postgres.username());
        env.put("SLUICE_CATALOG_JDBC_PASSWORD", postgres.password());
        env.put("SLUICE_CATALOG_WAREHOUSE", warehouse);
        env.put("SLUICE_S3_ENDPOINT", store.endpoint());
        env.put("SLUICE_S3_ACCESS_KEY", store.accessKey());
        env.put("SLUICE_S3_SECRET_KEY", store.secretKey());
        env.put("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED");
        env.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED");
        List<String> secrets = List.of(token, store.secretKey());
        ServerProcess server = launch(folder, env, secrets);
        env.put("SLUICE_CATALOG_PORT", Integer.toString(server.port()));
        return new RestCatalog(folder, env, token, warehouse, secrets, server);
    }

    private static ServerProcess launch(Path folder, Map<String, String> env, List<String> secrets)
            throws IOException {
        return ServerProcess.start(
                "Iceberg REST catalog",
                "RestCatalogServer",
                env,
                folder.resolve("server.log"),
                STARTUP_DEADLINE,
                secrets);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** The bearer token clients send. A secret: never log it. */
    public String token() {
        return token;
    }

    /** {@code s3://<bucket>/}: where the catalog puts tables. */
    public String warehouse() {
        return warehouse;
    }

    public boolean isRunning() {
        return server.isAlive();
    }

    /** Stops the server (an outage); {@link #restart()} brings it back on the same port. */
    public void stop() throws IOException {
        server.close();
    }

    /**
     * Starts the server again on its port, with the same catalog state (it lives in PostgreSQL).
     */
    public void restart() throws IOException {
        if (server.isAlive()) {
            throw new IllegalStateException("The REST catalog at " + uri() + " is running");
        }
        server = launch(folder, environment, secrets);
    }

    public String describe() {
        return "Iceberg REST catalog at "
                + uri()
                + " (JDBC catalog in PostgreSQL database "
                + DATABASE
                + "), warehouse "
                + warehouse;
    }

    /** Stops the server and removes its folder. Safe to call twice. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            Folders.delete(folder);
        }
    }
}
