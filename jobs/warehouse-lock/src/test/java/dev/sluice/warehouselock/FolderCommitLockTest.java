package dev.sluice.warehouselock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder warehouse's commit lock: exclusive within a JVM and across processes, and a table
 * committed to by two processes at once keeps every commit.
 */
class FolderCommitLockTest {
    @TempDir Path dir;

    @Test
    void locksTheMetadataFolderWithinTheJvm() throws Exception {
        Path metadata = Files.createDirectories(dir.resolve("t/metadata"));
        String v2 = metadata.resolve("v2.metadata.json").toUri().toString();
        FolderCommitLock first = new FolderCommitLock();
        FolderCommitLock second = new FolderCommitLock();
        second.initialize(Map.of(FolderCommitLock.ACQUIRE_TIMEOUT_MS, "200"));
        assertThat(first.acquire(v2, "a")).isTrue();
        // another thread (another catalog in this JVM) waits, then gives up
        assertThat(CompletableFuture.supplyAsync(() -> second.acquire(v2, "b")).get()).isFalse();
        assertThat(first.release(v2, "a")).isTrue();
        assertThat(CompletableFuture.supplyAsync(() -> second.acquire(v2, "b")).get()).isTrue();
        assertThat(first.release(v2, "a")).isFalse(); // not held by a any more
        assertThat(Files.exists(metadata.resolve(FolderCommitLock.LOCK_FILE))).isTrue();
        // hdfs: and s3: locations are locked within the JVM only
        assertThat(FolderCommitLock.lockFileOf("s3://bucket/t/metadata/v2.metadata.json")).isNull();
        assertThat(FolderCommitLock.lockFileOf("file:/w/t/metadata/v2.metadata.json"))
                .isEqualTo(Path.of("/w/t/metadata", FolderCommitLock.LOCK_FILE));
    }

    @Test
    void waitsForAnotherProcessHoldingTheLock() throws Exception {
        Path metadata = Files.createDirectories(dir.resolve("t/metadata"));
        Path lockFile = metadata.resolve(FolderCommitLock.LOCK_FILE);
        Path held = dir.resolve("held");
        Process other =
                java(
                        LockHolder.class.getName(),
                        lockFile.toString(),
                        held.toString(),
                        dir.resolve("release").toString());
        try {
            for (int i = 0; i < 600 && !Files.exists(held); i++) {
                assertThat(other.isAlive()).isTrue();
                Thread.sleep(100);
            }
            assertThat(held).exists();
            FolderCommitLock lock = new FolderCommitLock();
            lock.initialize(Map.of(FolderCommitLock.ACQUIRE_TIMEOUT_MS, "300"));
            String v3 = metadata.resolve("v3.metadata.json").toUri().toString();
            assertThat(lock.acquire(v3, "me")).as("the other process holds it").isFalse();
            Files.createFile(dir.resolve("release"));
            assertThat(other.waitFor(1, TimeUnit.MINUTES)).isTrue();
            lock.initialize(Map.of(FolderCommitLock.ACQUIRE_TIMEOUT_MS, "30000"));
            assertThat(lock.acquire(v3, "me")).isTrue();
            assertThat(lock.release(v3, "me")).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void twoProcessesCommittingOneTableLoseNoCommit() throws Exception {
        String warehouse = dir.resolve("warehouse").toUri().toString();
        TableIdentifier id = TableIdentifier.of("db", "t");
        try (HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse)) {
            catalog.createTable(
                    id,
                    new Schema(Types.NestedField.required(1, "id", Types.LongType.get())),
                    org.apache.iceberg.PartitionSpec.unpartitioned(),
                    Map.of(
                            "commit.retry.num-retries", "1000",
                            "commit.retry.min-wait-ms", "1",
                            "commit.retry.max-wait-ms", "20"));
        }
        int commits = 25;
        List<Process> workers = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            workers.add(
                    java(
                            CommitWorker.class.getName(),
                            warehouse,
                            "db.t",
                            name,
                            String.valueOf(commits),
                            "true"));
        }
        for (Process p : workers) {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        }
        try (HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse)) {
            Table table = catalog.loadTable(id);
            assertThat(table.currentSnapshot().summary().get("total-data-files"))
                    .isEqualTo(String.valueOf(2 * commits));
        }
    }

    private static Process java(String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Holds the OS lock on a file until a release file appears. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (FileChannel channel =
                            FileChannel.open(
                                    Path.of(args[0]),
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                Files.createFile(Path.of(args[1]));
                while (!new File(args[2]).exists()) {
                    Thread.sleep(20);
                }
            }
        }
    }
}
