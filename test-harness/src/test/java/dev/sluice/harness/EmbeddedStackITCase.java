package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

class EmbeddedStackITCase {

    @Test
    void startsEveryComponentAndCloseLeavesNothingRunning() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-stack-");
        try {
            EmbeddedStack stack = EmbeddedStack.start(workDir);
            long postgresPid = stack.postgres().pid();
            int postgresPort = stack.postgres().port();
            int kafkaPort = Loopback.port(stack.kafka().bootstrapServers());
            assertThat(processesUnder(workDir))
                    .as("the postmaster runs from its folder")
                    .isNotEmpty();

            assertThat(stack.describe().lines())
                    .hasSize(3)
                    .allSatisfy(line -> assertThat(line).startsWith("  "))
                    .anySatisfy(line -> assertThat(line).contains(":" + postgresPort))
                    .anySatisfy(line -> assertThat(line).contains(":" + kafkaPort))
                    .anySatisfy(line -> assertThat(line).contains("Iceberg hadoop catalog"));
            assertThat(stack.startupTimes()).containsKeys("postgres", "kafka", "iceberg", "total");
            System.out.printf(
                    "Embedded stack started: %s; heap peak %d MB%n",
                    stack.startupTimes(), peakHeapMegabytes());

            // each part serves
            stack.postgres().createDatabase("smoke");
            try (Connection connection = stack.postgres().connect("smoke");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (id int PRIMARY KEY)");
            }
            stack.kafka().createTopics(1, "smoke");
            assertThat(stack.kafka().readCommitted("smoke", Duration.ofSeconds(10))).isEmpty();
            assertThat(stack.iceberg().tableExists(TableIdentifier.of("smoke", "t"))).isFalse();

            stack.close();
            stack.close();

            assertThat(Loopback.processAlive(postgresPid))
                    .as("postmaster %d", postgresPid)
                    .isFalse();
            assertThat(Loopback.accepts(postgresPort)).as("postgres port").isFalse();
            assertThat(Loopback.accepts(kafkaPort)).as("kafka port").isFalse();
            assertThat(workDir).doesNotExist();
            assertThat(Thread.getAllStackTraces().keySet())
                    .extracting(Thread::getName)
                    .noneMatch(name -> name.startsWith("kafka-") || name.contains("data-plane"));
        } finally {
            Folders.delete(workDir);
        }
    }

    @Test
    void aPartThatFailsToStartStopsThePartsThatDid() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-stack-");
        try {
            // the warehouse folder cannot be created: Iceberg fails after Postgres and Kafka run
            Files.writeString(workDir.resolve("warehouse"), "in the way");

            assertThatThrownBy(() -> EmbeddedStack.start(workDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("The embedded stack did not start under " + workDir)
                    .hasRootCauseInstanceOf(FileAlreadyExistsException.class);

            assertNothingRunsUnder(workDir);
        } finally {
            Folders.delete(workDir);
        }
    }

    @Test
    void anInterruptedStartStopsThePartsThatWereStarting() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-stack-");
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread starting =
                    new Thread(
                            () -> {
                                try {
                                    EmbeddedStack.start(workDir).close();
                                } catch (Throwable e) {
                                    thrown.set(e);
                                }
                                stillInterrupted.set(Thread.currentThread().isInterrupted());
                            },
                            "interrupted-start");
            starting.start();
            starting.interrupt();
            starting.join(TimeUnit.MINUTES.toMillis(2));

            assertThat(starting.isAlive()).as("start returned").isFalse();
            assertThat(thrown.get())
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(InterruptedException.class);
            assertThat(stillInterrupted).as("the interrupt is kept").isTrue();
            assertNothingRunsUnder(workDir);
        } finally {
            Folders.delete(workDir);
        }
    }

    private static void assertNothingRunsUnder(Path workDir) {
        assertThat(processesUnder(workDir)).as("processes running from " + workDir).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("kafka-") || name.contains("data-plane"));
    }

    private static List<String> processesUnder(Path workDir) {
        return ProcessHandle.allProcesses()
                .map(process -> process.info().commandLine().orElse(""))
                .filter(commandLine -> commandLine.contains(workDir.toString()))
                .toList();
    }

    private static long peakHeapMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }
}
