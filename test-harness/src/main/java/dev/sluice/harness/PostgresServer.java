package dev.sluice.harness;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server (embedded binaries) on a random loopback port with logical replication
 * on, its data and unpacked binaries in a folder of its own, removed on {@link #close()}.
 */
public final class PostgresServer implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final String USER = "postgres";
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private final EmbeddedPostgres postgres;
    private volatile ProcessHandle postmaster;
    private final Path folder;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PostgresServer(EmbeddedPostgres postgres, ProcessHandle postmaster, Path folder) {
        this.postgres = postgres;
        this.postmaster = postmaster;
        this.folder = folder;
    }

    /** Starts a server under {@code workDir/postgres}. */
    public static PostgresServer start(Path workDir) throws IOException {
        return start(workDir, Map.of());
    }

    /**
     * Starts a server with settings on top of the defaults, e.g. {@code wal_level=replica} to test
     * what happens without logical replication.
     */
    public static PostgresServer start(Path workDir, Map<String, String> serverSettings)
            throws IOException {
        Path folder = Files.createDirectories(workDir.resolve("postgres"));
        Path binaries = Files.createDirectories(folder.resolve("binaries"));
        Path data = folder.resolve("data");
        try {
            boolean linked = PostgresBinaries.linkInto(binaries);
            EmbeddedPostgres.Builder builder =
                    EmbeddedPostgres.builder()
                            // one binaries folder per server, so that parallel runs never share
                            // (or delete) each other's unpacked binaries
                            .setOverrideWorkingDirectory(binaries.toFile())
                            .setPgBinaryResolver(new OwnBinaries())
                            .setDataDirectory(data)
                            .setCleanDataDirectory(true)
                            .setServerConfig("listen_addresses", HOST)
                            .setServerConfig("wal_level", "logical")
                            // Flink CDC's incremental snapshot opens a temporary slot and a WAL
                            // sender per reader subtask next to the main slot
                            .setServerConfig("max_replication_slots", "32")
                            .setServerConfig("max_wal_senders", "32")
                            .setServerConfig("max_connections", "200")
                            // throwaway data: durability is not worth the disk latency here
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off");
            serverSettings.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder.start();
            if (!linked) {
                PostgresBinaries.share(binaries);
            }
            try {
                return new PostgresServer(postgres, postmaster(data), folder);
            } catch (IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            try {
                Folders.delete(folder);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * The postmaster itself: zonky starts it through {@code pg_ctl}, which exits once the server
     * runs, so the pid comes from the first line of {@code postmaster.pid}.
     */
    private static ProcessHandle postmaster(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        String pid = Files.readAllLines(pidFile).get(0).trim();
        return ProcessHandle.of(Long.parseLong(pid))
                .orElseThrow(
                        () ->
                                new IOException(
                                        "PostgreSQL started, but its postmaster (pid "
                                                + pid
                                                + " in "
                                                + pidFile
                                                + ") is gone"));
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return postgres.getPort();
    }

    public String username() {
        return USER;
    }

    /**
     * The embedded server trusts loopback connections, so the password is empty; callers pass it on
     * anyway so that the same code runs against a real server.
     */
    public String password() {
        return "";
    }

    /**
     * Restarts the server as an operator would ({@code pg_ctl restart -m fast}): every connection,
     * replication connections included, is cut; data, replication slots and the port stay. Returns
     * when the server accepts connections again.
     */
    public synchronized void restart() throws IOException, InterruptedException {
        Path data = folder.resolve("data");
        Path pgCtl;
        try (java.util.stream.Stream<Path> files = Files.walk(folder.resolve("binaries"))) {
            pgCtl =
                    files.filter(
                                    file ->
                                            file.getFileName().toString().equals("pg_ctl")
                                                    && file.getParent()
                                                            .getFileName()
                                                            .toString()
                                                            .equals("bin"))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "No bin/pg_ctl under "
                                                            + folder.resolve("binaries")));
        }
        Path log = folder.resolve("restart.log");
        java.util.List<String> command = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses to run as root; zonky starts it in a user namespace, so must we
            command.addAll(java.util.List.of("unshare", "-U"));
        }
        command.addAll(
                java.util.List.of(
                        pgCtl.toString(),
                        "restart",
                        "-D",
                        data.toString(),
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        "120"));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        if (!process.waitFor(150, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(
                    "pg_ctl restart failed: "
                            + String.join(" ", command)
                            + "\n"
                            + Files.readString(log));
        }
        postmaster = postmaster(data);
    }

    /** The process id of the postmaster, to prove from outside that it stopped. */
    public long pid() {
        return postmaster.pid();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + checkDatabaseName(database);
    }

    public DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {HOST});
        dataSource.setPortNumbers(new int[] {port()});
        dataSource.setDatabaseName(checkDatabaseName(database));
        dataSource.setUser(USER);
        dataSource.setPassword(password());
        return dataSource;
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password());
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl(database), properties);
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver rejected " + jdbcUrl(database));
        }
        return connection;
    }

    /** Creates a database owned by {@link #username()}. */
    public void createDatabase(String name) throws SQLException {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + checkDatabaseName(name) + "\"");
        }
    }

    public String describe() {
        return "PostgreSQL "
                + HOST
                + ":"
                + port()
                + " (jdbc:postgresql://"
                + HOST
                + ":"
                + port()
                + "/<database>, user "
                + USER
                + ", wal_level=logical)";
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}), waits for the postmaster to exit, kills it if
     * it does not, and removes the folder. Safe to call twice.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        // zonky logs a failed pg_ctl stop instead of throwing: check the process ourselves
        postgres.close();
        try {
            postmaster.onExit().get(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            postmaster.destroyForcibly();
            failure =
                    new IOException(
                            "PostgreSQL (pid "
                                    + postmaster.pid()
                                    + ") did not stop within "
                                    + STOP_DEADLINE
                                    + " after pg_ctl stop; killed it");
        } catch (InterruptedException e) {
            postmaster.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Folders.delete(folder);
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

    /**
     * The default binaries, under a resolver object of this server's own: zonky caches unpacked
     * binaries per resolver for the whole JVM, so with the shared default resolver a second server
     * would run from the first server's folder and break (pg_ctl, pgoutput.so) once that one is
     * closed and removed.
     */
    private static final class OwnBinaries implements PgBinaryResolver {
        @Override
        public InputStream getPgBinary(String system, String machineHardware) throws IOException {
            return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        }
    }

    private static String checkDatabaseName(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Invalid database name: "
                            + name
                            + ". Use a letter or underscore followed by up to 62 letters, digits,"
                            + " underscores or dollar signs.");
        }
        return name;
    }
}
