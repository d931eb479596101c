package dev.sluice.cli;

import dev.sluice.catalog.CatalogModel;
import dev.sluice.catalog.CatalogServer;
import dev.sluice.catalog.StaticSite;
import dev.sluice.gate.AuditLog;
import dev.sluice.sql.Variables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice catalog serve|render}: the catalog and lineage page of the SQL folder, its policy
 * and the audit log (docs/catalog.md).
 */
@Command(
        name = "catalog",
        mixinStandardHelpOptions = true,
        description = {
            "The catalog and lineage page: every dataset with its owner team, zone, region,"
                    + " retention and classified columns; which pipeline reads and writes"
                    + " which dataset and, per column, the sources and masks on the way; the gate's"
                    + " decision on every pipeline; recent audit and PII drift events.",
            "Pipelines are planned offline, as sluice validate plans them."
        },
        subcommands = {CatalogCommand.Serve.class, CatalogCommand.Render.class})
final class CatalogCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What both subcommands read. */
    static final class SourceOptions {
        @Option(
                names = "--sql",
                paramLabel = "DIR",
                defaultValue = "sql",
                description =
                        "The SQL folder: catalog/, pipelines/ and policy/ (default: ${DEFAULT-VALUE}).")
        Path sql;

        @Option(
                names = "--policy",
                paramLabel = "FILE|DIR",
                description = "Policy files or folders (default: the SQL folder's policy/).")
        List<String> policy = new ArrayList<>();

        @Option(
                names = "--audit-log",
                paramLabel = "FILE",
                description =
                        "The audit log (default: $SLUICE_AUDIT_LOG or .sluice/audit/gate-decisions.jsonl).")
        Path auditLog;

        @Option(
                names = "--warehouse",
                paramLabel = "DIR",
                description =
                        "A live Iceberg warehouse folder (Hadoop catalog): row counts and last commit"
                                + " of its tables are shown.")
        Path warehouse;

        @Mixin VariableOptions variableOptions;

        CatalogModel model() {
            if (!Files.isDirectory(sql.resolve("pipelines"))) {
                throw new UserError(
                        "Invalid --sql: "
                                + sql
                                + " has no pipelines/ folder. Give the folder that holds catalog/,"
                                + " pipelines/ and policy/ (e.g. --sql sql).",
                        ExitCodes.USAGE,
                        null);
            }
            Variables variables = variableOptions.resolve(System.getenv(), Variables.empty());
            CatalogModel.Sources sources =
                    CatalogModel.Sources.of(
                            sql,
                            auditLog != null ? auditLog : AuditLog.fromEnvironment().file(),
                            warehouse,
                            variables);
            if (!policy.isEmpty()) {
                sources =
                        new CatalogModel.Sources(
                                sources.catalogFolder(),
                                sources.pipelinesFolder(),
                                policy,
                                sources.auditLog(),
                                sources.warehouse(),
                                sources.variables());
            }
            return CatalogModel.build(sources);
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description =
                    "Serve the page (and its JSON API at /api/catalog) until Ctrl-C; prints the"
                            + " address.")
    static final class Serve implements Callable<Integer> {
        @Mixin SourceOptions sources;

        @Option(
                names = "--host",
                defaultValue = "127.0.0.1",
                description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(
                names = "--port",
                defaultValue = "0",
                description = "Port (default: any free port).")
        int port;

        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CatalogModel model = sources.model();
            CountDownLatch stopped = new CountDownLatch(1);
            try (CatalogServer server = CatalogServer.start(model, host, port);
                    StopSignals signals = StopSignals.install(stopped::countDown)) {
                spec.commandLine().getOut().println("catalog: " + server.uri());
                spec.commandLine().getOut().flush();
                stopped.await();
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "render",
            mixinStandardHelpOptions = true,
            description = "Write the page as a static site (opens from disk; for CI artifacts).")
    static final class Render implements Callable<Integer> {
        @Mixin SourceOptions sources;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                required = true,
                description = "Folder to write the site into (created if needed).")
        Path out;

        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path page = StaticSite.render(sources.model(), out);
            spec.commandLine().getOut().println("catalog: " + page.toAbsolutePath());
            return ExitCodes.OK;
        }
    }
}
