package dev.sluice.demo;

import dev.sluice.catalog.CatalogModel;
import dev.sluice.catalog.CatalogServer;
import dev.sluice.harness.EmbeddedStack;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The catalog page of the demo: the repository's {@code sql/} folder planned against the embedded
 * stack's variables, the maintenance job's audit log, and live row counts of the folder warehouse.
 * The demo goes on without it when it cannot start (no {@code sql/} folder in the working
 * directory).
 */
final class DemoCatalog implements AutoCloseable {
    private final CatalogServer server;

    private DemoCatalog(CatalogServer server) {
        this.server = server;
    }

    static DemoCatalog start(PaymentsScenario scenario, EmbeddedStack stack, PrintStream out) {
        Path sql = Path.of("sql");
        if (!Files.isDirectory(sql.resolve("pipelines"))) {
            out.println(
                    "Catalog page: not started (no sql/pipelines in the working directory; run the"
                            + " demo from the repository's root, or use sluice catalog serve).");
            return new DemoCatalog(null);
        }
        try {
            String warehouse = stack.iceberg().flinkCatalogOptions().get("warehouse");
            Path live =
                    warehouse != null && warehouse.startsWith("file:")
                            ? Path.of(URI.create(warehouse))
                            : null;
            CatalogModel model =
                    CatalogModel.build(
                            CatalogModel.Sources.of(
                                    sql, scenario.maintenanceAudit(), live, scenario.variables()));
            CatalogServer server = CatalogServer.start(model, "127.0.0.1", 0);
            out.println("Catalog page: " + server.uri());
            return new DemoCatalog(server);
        } catch (RuntimeException e) {
            out.println("Catalog page: not started (" + e.getMessage() + ").");
            return new DemoCatalog(null);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
