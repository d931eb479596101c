package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PostgresServer} per test class, for tests that need only the database:
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> settings;
    private Path workDir;
    private PostgresServer server;

    /** A server with the defaults of {@link PostgresServer#start(Path)}. */
    public PostgresExtension() {
        this(Map.of());
    }

    /**
     * A server with {@code settings} on top of the defaults, e.g. {@code synchronous_commit=on} for
     * a test whose result depends on WAL positions read while rows commit.
     */
    public PostgresExtension(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("sluice-postgres-");
        server = PostgresServer.start(workDir, settings);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            if (workDir != null) {
                Folders.delete(workDir);
            }
        }
    }

    /** The running server; only between {@code beforeAll} and {@code afterAll}. */
    public PostgresServer server() {
        if (server == null) {
            throw new IllegalStateException(
                    "PostgreSQL runs only between beforeAll and afterAll: register the extension"
                            + " on a static field with @RegisterExtension.");
        }
        return server;
    }
}
