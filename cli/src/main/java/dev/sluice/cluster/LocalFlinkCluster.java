package dev.sluice.cluster;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink cluster inside this JVM with its web UI on a random loopback port, shared by several jobs
 * (the ingest job and the pipelines of a demo run in one cluster, visible in one UI).
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private final MiniCluster cluster;
    private final URI webUi;

    private LocalFlinkCluster(MiniCluster cluster, URI webUi) {
        this.cluster = cluster;
        this.webUi = webUi;
    }

    /** Starts a cluster of one task manager with the given slots. */
    public static LocalFlinkCluster start(int slots) throws Exception {
        return start(slots, new Configuration());
    }

    /**
     * Starts a cluster of one task manager with the given slots and settings, e.g. {@link
     * IsolatedMySqlIngest#clusterConfiguration()} for a cluster that runs the MySQL ingest.
     */
    public static LocalFlinkCluster start(int slots, Configuration settings) throws Exception {
        Configuration configuration = new Configuration(settings);
        configuration.set(RestOptions.ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.BIND_PORT, "0");
        configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        configuration.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(configuration)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        cluster.start();
        try {
            URI webUi = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
            return new LocalFlinkCluster(cluster, webUi);
        } catch (Exception e) {
            try {
                cluster.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The address of the Flink web UI (and REST API). */
    public URI webUi() {
        return webUi;
    }

    /**
     * A new environment whose jobs run in this cluster; the job classes come from this JVM's
     * classpath, so no jar is shipped.
     */
    public StreamExecutionEnvironment environment(Configuration jobConfiguration) {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                webUi.getHost(), webUi.getPort(), jobConfiguration);
    }

    /**
     * A new environment whose jobs run in this cluster and ship {@code jars} (a job jar the cluster
     * loads in a class loader of the job's own, as a real cluster does).
     */
    public StreamExecutionEnvironment environment(
            Configuration jobConfiguration, java.nio.file.Path... jars) {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                webUi.getHost(),
                webUi.getPort(),
                jobConfiguration,
                java.util.Arrays.stream(jars)
                        .map(jar -> jar.toAbsolutePath().toString())
                        .toArray(String[]::new));
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
