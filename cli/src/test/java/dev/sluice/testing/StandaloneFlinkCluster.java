package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.harness.Await;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A real standalone Flink session cluster for tests: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}) each in its
 * own JVM process, on loopback ports picked at random, with a temporary configuration folder.
 *
 * <p>Their classpath is this test JVM's classpath without the project's own class folders and
 * without the connectors and libraries a Flink distribution's {@code lib/} does not have: a job
 * must come from an uploaded job jar, as on a real cluster.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    private static final List<String> JVM_OPENS =
            List.of(
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED");

    /**
     * Libraries of the test classpath that a Flink distribution's {@code lib/} does not hold and
     * the job jar bundles: connectors and their clients, Flink's SQL parser and Calcite (hidden in
     * lib/ inside the planner loader), the command line. Hadoop stays: Iceberg's catalog reaches it
     * through Flink's own classes (parent-first), so a cluster that runs Iceberg pipelines needs
     * hadoop-client-api and -runtime in lib/ (or HADOOP_CLASSPATH) anyway.
     */
    private static final List<String> NOT_IN_FLINK_LIB =
            List.of(
                    "/org/apache/flink/flink-connector-kafka/",
                    "/org/apache/flink/flink-connector-jdbc",
                    "/org/apache/flink/flink-connector-postgres-cdc/",
                    "/org/apache/flink/flink-connector-debezium/",
                    "/org/apache/flink/flink-cdc-",
                    "/org/apache/flink/flink-sql-parser/",
                    "/org/apache/kafka/kafka-clients/",
                    "/org/apache/calcite/",
                    "/org/apache/iceberg/",
                    "/io/debezium/",
                    "/org/postgresql/",
                    "/info/picocli/");

    private final Path workDir;
    private final URI rest;
    private final List<Process> processes = new ArrayList<>();

    /** Named processes: "jobmanager", "taskmanager", "taskmanager-2", ... (for restarts). */
    private final java.util.Map<String, Process> named = new java.util.LinkedHashMap<>();

    /** The name of every process started, the replaced ones too (for failure messages). */
    private final java.util.Map<Process, String> names = new java.util.IdentityHashMap<>();

    private Path conf;
    private int taskManagersStarted;

    /** Processes killed or stopped on purpose: their exit is no start-up failure. */
    private final java.util.Set<Process> killed =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Map<String, String> environment;
    private final List<String> extraLib;

    private StandaloneFlinkCluster(
            Path workDir, URI rest, Map<String, String> environment, List<String> extraLib) {
        this.workDir = workDir;
        this.rest = rest;
        this.environment = environment;
        this.extraLib = extraLib;
    }

    /**
     * Starts a JobManager and one TaskManager with {@code slots} slots; returns when both are up.
     */
    public static StandaloneFlinkCluster start(Path workDir, int slots) throws Exception {
        return start(workDir, slots, 1, List.of());
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers (each its own JVM, resource ids
     * {@code taskmanager}, {@code taskmanager-2}, ...) with {@code slots} slots each; {@code
     * extraConf} lines ({@code key: value}) are added to the configuration.
     */
    public static StandaloneFlinkCluster start(
            Path workDir, int slots, int taskManagers, List<String> extraConf) throws Exception {
        return start(workDir, slots, taskManagers, extraConf, Map.of(), List.of());
    }

    /**
     * Starts a JobManager and one TaskManager with {@code slots} slots, {@code configuration} added
     * to their flink-conf.yaml and {@code environment} added to both processes' environment (where
     * secrets go: never into the configuration file, which Flink logs); returns when both are up.
     * {@code FLINK_PLUGINS_DIR} in the environment points Flink at a plugins folder. {@code
     * extraLib}: parts of test classpath entries (e.g. {@code "/iceberg-aws-bundle/"}) that go into
     * the cluster's classpath although the job jar's libraries are otherwise left out, as jars put
     * into a distribution's {@code lib/}.
     */
    public static StandaloneFlinkCluster start(
            Path workDir,
            int slots,
            Map<String, String> configuration,
            Map<String, String> environment,
            List<String> extraLib)
            throws Exception {
        return start(
                workDir,
                slots,
                1,
                configuration.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .toList(),
                environment,
                extraLib);
    }

    private static StandaloneFlinkCluster start(
            Path workDir,
            int slots,
            int taskManagers,
            List<String> extraConf,
            Map<String, String> environment,
            List<String> extraLib)
            throws Exception {
        int restPort = freePort();
        int rpcPort = freePort();
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        Files.writeString(
                conf.resolve("flink-conf.yaml"),
                String.join(
                        "\n",
                        "jobmanager.rpc.address: 127.0.0.1",
                        "jobmanager.rpc.port: " + rpcPort,
                        "jobmanager.bind-host: 127.0.0.1",
                        "jobmanager.memory.process.size: 1024m",
                        "rest.address: 127.0.0.1",
                        "rest.bind-address: 127.0.0.1",
                        "rest.port: " + restPort,
                        // the job jar carries its connectors: it is larger than the 100 MiB default
                        "rest.server.max-content-length: 419430400",
                        "web.upload.dir: " + Files.createDirectories(workDir.resolve("uploads")),
                        "web.tmpdir: " + tmp,
                        "io.tmp.dirs: " + tmp,
                        "taskmanager.host: 127.0.0.1",
                        "taskmanager.bind-host: 127.0.0.1",
                        "taskmanager.numberOfTaskSlots: " + slots,
                        "taskmanager.memory.process.size: 1280m",
                        "taskmanager.memory.managed.size: 64m",
                        "blob.server.port: 0",
                        "restart-strategy.type: none",
                        String.join("\n", extraConf),
                        ""));
        Files.writeString(
                conf.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = FileAppender",
                        "appender.file.name = FileAppender",
                        "appender.file.type = File",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                        ""));
        StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(
                        workDir,
                        URI.create("http://127.0.0.1:" + restPort + "/"),
                        environment,
                        extraLib);
        cluster.conf = conf;
        try {
            cluster.launchJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers, Duration.ofSeconds(180));
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void launchJobManager() throws IOException {
        launch(
                "jobmanager",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                List.of("-Xmx768m", "-XX:MaxDirectMemorySize=256m"),
                List.of(),
                conf);
    }

    /**
     * Starts one more TaskManager JVM and returns its name, which is also its resource id in the
     * REST API ({@code taskmanager}, then {@code taskmanager-2}, ...). Does not wait for it.
     */
    public String startTaskManager() throws IOException {
        taskManagersStarted++;
        String name =
                taskManagersStarted == 1 ? "taskmanager" : "taskmanager-" + taskManagersStarted;
        // what Flink's start scripts compute for a task manager: its JVM sizes and the memory
        // options it refuses to start without
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        GlobalConfiguration.loadConfiguration(conf.toString()));
        List<String> arguments =
                new ArrayList<>(
                        List.of(
                                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)
                                        .trim()
                                        .split("\\s+")));
        arguments.add("-D");
        arguments.add("taskmanager.resource-id=" + name);
        launch(
                name,
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                List.of(ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split("\\s+")),
                arguments,
                conf);
        return name;
    }

    /** Kills a process with SIGKILL ({@code kill -9}) and waits until it is gone. */
    public void kill(String name) throws InterruptedException {
        Process process = named.get(name);
        if (process == null) {
            throw new IllegalArgumentException("No cluster process " + name + " in " + named);
        }
        killed.add(process);
        process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }

    /**
     * Stops the JobManager (SIGTERM, as a pod restart does), waits until its JVM is gone and its
     * RPC and REST ports can be bound again, starts a new one on the same ports, and waits until
     * {@code taskManagers} TaskManagers registered with it again. Without HA, the jobs it ran are
     * gone: resubmit them from their last retained checkpoint or savepoint.
     */
    public void restartJobManager(int taskManagers) throws Exception {
        Process jobManager = named.get("jobmanager");
        killed.add(jobManager);
        jobManager.destroy();
        // a graceful stop suspends every job (their checkpoints stay); under load it takes a while
        if (!jobManager.waitFor(120, TimeUnit.SECONDS)) {
            jobManager.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        if (jobManager.isAlive()) {
            throw new IllegalStateException(
                    "The JobManager (pid "
                            + jobManager.pid()
                            + ") did not exit within 3 minutes of SIGTERM and SIGKILL; see "
                            + log("jobmanager"));
        }
        int rpcPort =
                GlobalConfiguration.loadConfiguration(conf.toString())
                        .get(org.apache.flink.configuration.JobManagerOptions.PORT);
        Await.until(
                "the stopped JobManager's RPC port "
                        + rpcPort
                        + " and REST port "
                        + rest.getPort()
                        + " free again",
                Duration.ofMinutes(2),
                () -> canBind(rpcPort) && canBind(rest.getPort()));
        launchJobManager();
        awaitTaskManagers(taskManagers, Duration.ofSeconds(180));
    }

    /** Whether a server socket could listen on this loopback port now (as Flink's would). */
    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Names of the TaskManager processes still alive. */
    public List<String> liveTaskManagers() {
        return named.entrySet().stream()
                .filter(e -> e.getKey().startsWith("taskmanager") && e.getValue().isAlive())
                .map(java.util.Map.Entry::getKey)
                .toList();
    }

    /** Every log and output file of every process this cluster started. */
    public List<Path> logFiles() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(workDir)) {
            return files.filter(
                            file ->
                                    file.getFileName().toString().endsWith(".log")
                                            || file.getFileName().toString().endsWith(".out"))
                    .sorted()
                    .toList();
        }
    }

    /** Waits until at least {@code count} TaskManagers are registered. */
    public void awaitTaskManagerCount(int count) throws Exception {
        awaitTaskManagers(count, Duration.ofSeconds(180));
    }

    /** The REST address (also the web UI). */
    public URI rest() {
        return rest;
    }

    public Path workDir() {
        return workDir;
    }

    /** The log file of one process ("jobmanager" or "taskmanager"), for failure messages. */
    public Path log(String process) {
        return workDir.resolve(process + ".log");
    }

    /** GETs a REST path and returns its JSON. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(rest.resolve(path))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }

    private void launch(
            String name,
            String mainClass,
            List<String> jvmOptions,
            List<String> programArgs,
            Path conf)
            throws IOException {
        String classpath =
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(entry -> !Files.isDirectory(Path.of(entry)))
                        .filter(
                                entry ->
                                        NOT_IN_FLINK_LIB.stream().noneMatch(entry::contains)
                                                || extraLib.stream().anyMatch(entry::contains))
                        .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(JVM_OPENS);
        // a restarted process appends to the log of its predecessor
        command.add("-Dlog.file=" + log(name));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toString());
        command.addAll(programArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CLASSPATH", classpath);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(
                ProcessBuilder.Redirect.appendTo(workDir.resolve(name + ".out").toFile()));
        Process process = builder.start();
        processes.add(process);
        named.put(name, process);
        names.put(process, name);
    }

    private void awaitTaskManagers(int count, Duration timeout) throws Exception {
        Await.value(
                count + " task manager(s) registered at " + rest + " (logs in " + workDir + ")",
                timeout,
                IOException.class,
                () -> {
                    checkProcesses();
                    JsonNode overview = get("overview");
                    return overview.path("taskmanagers").asInt() >= count ? overview : null;
                });
    }

    /**
     * Fails if a process of this cluster exited without being killed or stopped on purpose, naming
     * it, its exit code and the end of its output and log.
     */
    public void checkProcesses() {
        for (Process process : processes) {
            if (!process.isAlive() && !killed.contains(process)) {
                String name = names.get(process);
                throw new IllegalStateException(
                        "Cluster process "
                                + name
                                + " (pid "
                                + process.pid()
                                + ") exited with code "
                                + process.exitValue()
                                + (process.exitValue() == 239
                                        ? " (Flink's fatal-error exit after an uncaught error in"
                                                + " one of its threads: look for an"
                                                + " OutOfMemoryError in its .out file)"
                                        : "")
                                + "; its output "
                                + workDir.resolve(name + ".out")
                                + " and log "
                                + log(name)
                                + " end with:\n"
                                + tail(workDir.resolve(name + ".out"))
                                + tail(log(name)));
            }
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return file.getFileName()
                    + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()))
                    + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        // task manager first, so the job manager does not log its loss as a failure to recover
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
