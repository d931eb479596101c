package dev.sluice.classloader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.iceberg.util.ThreadPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits a job from a job jar (its own classes, Iceberg's runtime and the PostgreSQL driver, each
 * submitted as a user jar, so the TaskManager loads them in a child-first user class loader as a
 * cluster does) several times to one Flink cluster, without and then with {@link
 * LibraryThreadsAndDriversRelease}, and counts the job class loaders still alive after a garbage
 * collection and the metaspace they hold. The cluster runs in this JVM, so the TaskManager's
 * metaspace ({@code Status.JVM.Memory.Metaspace.Used}) is this JVM's metaspace pool.
 */
class ClassLoaderReleaseITCase {
    private static final int SUBMISSIONS = 4;
    private static final Duration RELEASE_DEADLINE = Duration.ofSeconds(90);

    @TempDir Path temp;

    @Test
    void jobClassLoadersAreUnloadedAfterEachSubmissionWithTheReleaseHook() throws Exception {
        Path jobJar = jobJar();
        List<Path> libraries =
                List.of(codeSource(ThreadPools.class), codeSource(org.postgresql.Driver.class));
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "child-first");
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build());
        cluster.start();
        try {
            LiveJobClassLoaders.clear();
            // one submission first, so classes the cluster loads once (Flink's own) are in the base
            run(cluster, jobJar, libraries, true);
            awaitLive(0);
            long base = metaspaceUsedAfterGc();

            for (int i = 0; i < SUBMISSIONS; i++) {
                run(cluster, jobJar, libraries, false);
            }
            gc(3);
            int leaked = LiveJobClassLoaders.live();
            long withoutHook = metaspaceUsedAfterGc();

            for (int i = 0; i < SUBMISSIONS; i++) {
                run(cluster, jobJar, libraries, true);
            }
            awaitLive(leaked);
            long withHook = metaspaceUsedAfterGc();

            System.out.printf(
                    "metaspace per submission: without the release hook %+.1f MB (%d of %d job"
                            + " class loaders alive after GC), with it %+.1f MB (0 of %d alive);"
                            + " base %.1f MB%n",
                    mb(withoutHook - base) / SUBMISSIONS,
                    leaked,
                    SUBMISSIONS,
                    mb(withHook - withoutHook) / SUBMISSIONS,
                    SUBMISSIONS,
                    mb(base));
            assertThat(leaked)
                    .as("job class loaders alive without the hook (the leak this test must see)")
                    .isEqualTo(SUBMISSIONS);
            assertThat(LiveJobClassLoaders.live())
                    .as("job class loaders alive after the submissions with the hook")
                    .isEqualTo(leaked);
            assertThat(withHook - withoutHook)
                    .as("metaspace growth over %d submissions with the hook", SUBMISSIONS)
                    .isLessThan((withoutHook - base) / 4);
        } finally {
            cluster.close();
        }
    }

    private static void run(MiniCluster cluster, Path jobJar, List<Path> libraries, boolean hook)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(1, 1)
                .map(new LibraryTouchingFunction(hook))
                .sinkTo(new DiscardingSink<>());
        JobGraph job = env.getStreamGraph().getJobGraph();
        job.addJar(new org.apache.flink.core.fs.Path(jobJar.toUri()));
        for (Path library : libraries) {
            job.addJar(new org.apache.flink.core.fs.Path(library.toUri()));
        }
        JobID id = cluster.submitJob(job).get(120, TimeUnit.SECONDS).getJobID();
        JobResult result = cluster.requestJobResult(id).get(120, TimeUnit.SECONDS);
        assertThat(result.getSerializedThrowable().map(e -> e.getFullStringifiedStackTrace()))
                .as("job %s (release hook %s) failed", id, hook)
                .isEmpty();
    }

    /** Waits (garbage collecting) until at most {@code expected} job class loaders are alive. */
    private static void awaitLive(int expected) {
        long deadline = System.nanoTime() + RELEASE_DEADLINE.toNanos();
        while (LiveJobClassLoaders.live() > expected && System.nanoTime() < deadline) {
            System.gc();
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        assertThat(LiveJobClassLoaders.live())
                .as(
                        "job class loaders alive %s s after the jobs finished (of %d recorded)",
                        RELEASE_DEADLINE.toSeconds(), LiveJobClassLoaders.recorded())
                .isLessThanOrEqualTo(expected);
    }

    private static void gc(int times) {
        for (int i = 0; i < times; i++) {
            System.gc();
        }
    }

    private static long metaspaceUsedAfterGc() {
        gc(3);
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace"))
                .mapToLong(pool -> pool.getUsage().getUsed())
                .findFirst()
                .orElseThrow(() -> new AssertionError("this JVM has no Metaspace memory pool"));
    }

    private static double mb(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    /** The job's own classes: the release hook and the job's function (not the test's helpers). */
    private Path jobJar() throws IOException {
        Path jar = temp.resolve("job.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type :
                    List.of(LibraryThreadsAndDriversRelease.class, LibraryTouchingFunction.class)) {
                String name = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
