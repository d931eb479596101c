package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
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
