package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One {@link PostgresServer} per test class, for tests that need only the database. */
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
            Folders.delete(workDir);
        }
    }

    public PostgresServer server() {
        return server;
    }
}
