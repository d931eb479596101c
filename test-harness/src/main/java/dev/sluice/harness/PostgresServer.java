package dev.sluice.harness;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server (embedded binaries) on a random loopback port with logical replication
 * on, its data and unpacked binaries in a folder of its own, removed on {@link #close()}.
 */
public final class PostgresServer implements AutoCloseable {

    private static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path folder;

    private PostgresServer(EmbeddedPostgres postgres, Path folder) {
        this.postgres = postgres;
        this.folder = folder;
    }

    /** Starts a server under {@code workDir/postgres}. */
    public static PostgresServer start(Path workDir) throws IOException {
        Path folder = Files.createDirectories(workDir.resolve("postgres"));
        Path binaries = Files.createDirectories(folder.resolve("binaries"));
        Path data = folder.resolve("data");
        EmbeddedPostgres postgres =
                EmbeddedPostgres.builder()
                        // one binaries folder per server, so that parallel runs never share one
                        .setOverrideWorkingDirectory(binaries.toFile())
                        .setDataDirectory(data)
                        .setCleanDataDirectory(true)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "32")
                        .setServerConfig("max_wal_senders", "32")
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
        return new PostgresServer(postgres, folder);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return postgres.getPort();
    }

    public String username() {
        return USER;
    }

    /** The embedded server trusts loopback connections; the password is empty. */
    public String password() {
        return "";
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public DataSource dataSource(String database) {
        return postgres.getDatabase(USER, database);
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password());
        return new org.postgresql.Driver().connect(jdbcUrl(database), properties);
    }

    public void createDatabase(String name) throws SQLException {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
        }
    }

    public String describe() {
        return "PostgreSQL " + jdbcUrl("<database>") + " (user " + USER + ", logical replication)";
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            Folders.delete(folder);
        }
    }
}
