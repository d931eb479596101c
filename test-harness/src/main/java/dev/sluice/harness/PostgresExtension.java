package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
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

    private Path workDir;
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("sluice-postgres-");
        server = PostgresServer.start(workDir);
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
