package dev.sluice.cli;

import dev.sluice.demo.PaymentsDemo;
import dev.sluice.demo.PaymentsScenario;
import dev.sluice.harness.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice demo}: the whole path on the embedded stack, with live traffic and figures. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole path on an embedded stack: PostgreSQL -> CDC ingest -> Kafka staging ->"
                    + " SQL pipeline with masking -> Iceberg, with live traffic.",
            "Prints rows per table in Postgres, staging and Iceberg, the change rate and the lag,"
                    + " then a few masked warehouse rows. Ctrl-C stops early; nothing is left"
                    + " running."
        })
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--duration",
            defaultValue = "60 s",
            description = "How long to drive traffic, e.g. 30s, 5 min (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--rate",
            defaultValue = "100",
            description =
                    "Source transactions per second (default: ${DEFAULT-VALUE}), each of 1-4 row"
                            + " changes, over one connection per 400; the demo prints the rate"
                            + " achieved against it.")
    int rate;

    @Option(
            names = "--customers",
            defaultValue = "500",
            description = "Customers in the seed data (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(
            names = "--warehouse",
            defaultValue = "folder",
            description =
                    "Where the Iceberg warehouse lives: folder (a Hadoop catalog in a local folder)"
                            + " or rest (an Iceberg REST catalog with its tables on an"
                            + " S3-compatible object store, each server in a JVM of its own; what"
                            + " production runs). Default: ${DEFAULT-VALUE}.")
    String warehouse;

    @Option(
            names = "--source",
            defaultValue = "postgres",
            description =
                    "The source database: postgres, or mysql (an embedded MariaDB ingested by the"
                            + " MySQL ingest job from its own job jar). Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(
            names = "--work-dir",
            description =
                    "Folder for the embedded stack's data (default: a new folder under .sluice/).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Duration length = parseDuration();
        if (rate < 1 || rate > 10_000) {
            throw new UserError(
                    "Invalid --rate: " + rate + ". Use 1 to 10000 transactions per second.");
        }
        if (customers < 1) {
            throw new UserError(
                    "Invalid --customers: " + customers + ". Seed at least 1 customer.");
        }
        EmbeddedStack.Warehouse warehouseKind =
                switch (warehouse.toLowerCase(java.util.Locale.ROOT)) {
                    case "folder" -> EmbeddedStack.Warehouse.FOLDER;
                    case "rest" -> EmbeddedStack.Warehouse.REST;
                    default ->
                            throw new UserError(
                                    "Invalid --warehouse: '"
                                            + warehouse
                                            + "'. Use folder or rest.");
                };
        PaymentsScenario.Source sourceKind =
                switch (source.toLowerCase(java.util.Locale.ROOT)) {
                    case "postgres", "postgresql" -> PaymentsScenario.Source.POSTGRES;
                    case "mysql", "mariadb" -> PaymentsScenario.Source.MYSQL;
                    default ->
                            throw new UserError(
                                    "Invalid --source: '" + source + "'. Use postgres or mysql.");
                };
        Path folder = newWorkDir(workDir != null ? workDir : Path.of(".sluice"));
        PaymentsDemo demo =
                new PaymentsDemo(
                        new PaymentsDemo.Settings(
                                length, rate, customers, folder, warehouseKind, sourceKind),
                        System.out);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        // other ways the JVM ends (SIGHUP, System.exit): the demo still gets to stop everything;
        // after a Ctrl-C, the JVM ends only on a second one, which means: quit now, do not wait
        Thread onShutdown =
                new Thread(
                        () -> {
                            if (signalled.get()) {
                                return;
                            }
                            demo.requestStop();
                            try {
                                finished.await(
                                        PaymentsDemo.STOP_TIMEOUT.toMillis(),
                                        TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "sluice-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(onShutdown);
        try (StopSignals signals =
                StopSignals.install(
                        () -> {
                            signalled.set(true);
                            System.out.println(
                                    System.lineSeparator()
                                            + "Stopping early; a second Ctrl-C quits without the final"
                                            + " figures ...");
                            demo.requestStop();
                        })) {
            demo.run();
            return ExitCodes.OK;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs and returns now that the demo finished
            }
        }
    }

    private Duration parseDuration() {
        try {
            Duration parsed = TimeUtils.parseDuration(duration);
            if (parsed.isZero() || parsed.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new UserError(
                    "Invalid --duration: '"
                            + duration
                            + "' ("
                            + e.getMessage()
                            + "). Write e.g. 30s or 5 min.");
        }
    }

    /**
     * A new folder inside {@code base}: the stack deletes its folder on close, never the user's.
     */
    private static Path newWorkDir(Path base) throws Exception {
        Files.createDirectories(base);
        return Files.createTempDirectory(base.toAbsolutePath(), "demo-");
    }
}
