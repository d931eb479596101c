package dev.sluice.cluster;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.apache.flink.util.MutableURLClassLoader;

/**
 * The MySQL/MariaDB ingest, run from its own job jar ({@code jobs/ingest-mysql}, classifier {@code
 * job}) in a class loader of its own. The MySQL CDC connector is a fat jar with unshaded Debezium
 * classes and its own {@code org.apache.flink.cdc} classes (built against a relocated Kafka
 * Connect), while this command line carries the PostgreSQL connector: they must never meet.
 *
 * <p>So the job jar is loaded child-first, with Flink's parent-first list narrowed to Flink's own
 * packages, Kafka and logging ({@link #PARENT_FIRST}): {@code org.apache.flink.cdc}, {@code
 * io.debezium} and the MySQL driver come from the jar only. A local cluster that runs the job must
 * use the same list ({@link #clusterConfiguration()}), and the job's environment ships the jar
 * ({@link LocalFlinkCluster#environment(Configuration, Path...)}), so that the job manager and task
 * managers load it the same way. Only JDK and Flink types cross the boundary ({@code
 * dev.sluice.ingest.mysql.MySqlIngestLauncher}).
 */
public final class IsolatedMySqlIngest implements AutoCloseable {

    /** Where the build puts the job jar; {@code sluice.ingestMysqlJar} overrides it. */
    public static final String JAR_PROPERTY = "sluice.ingestMysqlJar";

    private static final String LAUNCHER = "dev.sluice.ingest.mysql.MySqlIngestLauncher";

    /**
     * Flink's default parent-first patterns with {@code org.apache.flink.} narrowed so that {@code
     * org.apache.flink.cdc.} is not among them, plus Kafka (the Kafka sink and its clients come
     * from the command line's classpath, one copy for both sides of the boundary).
     */
    static final List<String> PARENT_FIRST =
            List.of(
                    "java.",
                    "scala.",
                    "org.apache.flink.api.",
                    "org.apache.flink.annotation.",
                    "org.apache.flink.changelog.",
                    "org.apache.flink.client.",
                    "org.apache.flink.configuration.",
                    "org.apache.flink.connector.",
                    "org.apache.flink.core.",
                    "org.apache.flink.events.",
                    "org.apache.flink.formats.",
                    "org.apache.flink.fs.",
                    "org.apache.flink.management.",
                    "org.apache.flink.metrics.",
                    "org.apache.flink.queryablestate.",
                    "org.apache.flink.runtime.",
                    "org.apache.flink.shaded.",
                    "org.apache.flink.state.",
                    "org.apache.flink.streaming.",
                    "org.apache.flink.table.",
                    "org.apache.flink.traces.",
                    "org.apache.flink.types.",
                    "org.apache.flink.util.",
                    "org.apache.kafka.",
                    "com.esotericsoftware.kryo",
                    "org.apache.hadoop.",
                    "javax.annotation.",
                    "org.xml",
                    "javax.xml",
                    "org.apache.xerces",
                    "org.w3c",
                    "org.rocksdb.",
                    "org.slf4j",
                    "org.apache.log4j",
                    "org.apache.logging",
                    "org.apache.commons.logging",
                    "ch.qos.logback");

    private final Path jar;
    private final MutableURLClassLoader loader;
    private final Class<?> launcher;

    private IsolatedMySqlIngest(Path jar, MutableURLClassLoader loader, Class<?> launcher) {
        this.jar = jar;
        this.loader = loader;
        this.launcher = launcher;
    }

    /** Opens the job jar: {@code jar} if given, else the one the build made (see {@link #find}). */
    public static IsolatedMySqlIngest open(Path jar) throws IOException {
        Path file = jar != null ? jar : find();
        if (!Files.isRegularFile(file)) {
            throw new IOException(
                    "The MySQL ingest job jar "
                            + file
                            + " is not a file. Build it with ./mvnw -pl jobs/ingest-mysql -am"
                            + " package -DskipTests, or give --job-jar.");
        }
        URL url = file.toUri().toURL();
        MutableURLClassLoader loader =
                FlinkUserCodeClassLoaders.create(
                        new URL[] {url},
                        IsolatedMySqlIngest.class.getClassLoader(),
                        clusterConfiguration());
        try {
            return new IsolatedMySqlIngest(file, loader, Class.forName(LAUNCHER, true, loader));
        } catch (ClassNotFoundException e) {
            loader.close();
            throw new IOException(
                    file + " is not the MySQL ingest job jar (no " + LAUNCHER + " in it)", e);
        }
    }

    /**
     * The job jar: {@code -Dsluice.ingestMysqlJar}, else {@code
     * jobs/ingest-mysql/target/sluice-ingest-mysql-*-job.jar} under the working directory.
     */
    static Path find() throws IOException {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path target = Path.of("jobs", "ingest-mysql", "target");
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> found =
                    Files.newDirectoryStream(target, "sluice-ingest-mysql-*-job.jar")) {
                found.forEach(jars::add);
            }
        }
        if (jars.size() != 1) {
            throw new IOException(
                    (jars.isEmpty() ? "No" : "More than one")
                            + " MySQL ingest job jar in "
                            + target.toAbsolutePath()
                            + ". Build it with ./mvnw -pl jobs/ingest-mysql -am package"
                            + " -DskipTests (from the checkout), or give --job-jar.");
        }
        return jars.get(0);
    }

    /** What a local cluster that runs the MySQL ingest must be configured with. */
    public static Configuration clusterConfiguration() {
        Configuration configuration = new Configuration();
        configuration.set(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS, PARENT_FIRST);
        configuration.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        return configuration;
    }

    /** The job jar, to ship with the job. */
    public Path jar() {
        return jar;
    }

    @SuppressWarnings("unchecked")
    public Set<String> optionKeys() {
        return (Set<String>) call("optionKeys", new Class<?>[0]);
    }

    public String passwordVariable(Map<String, String> options) {
        return (String) call("passwordVariable", new Class<?>[] {Map.class}, options);
    }

    /** Staging topic by table; validates the options (IllegalArgumentException). */
    @SuppressWarnings("unchecked")
    public Map<String, String> stagingTopics(
            Map<String, String> options, Map<String, String> environment) {
        return (Map<String, String>)
                call("stagingTopics", new Class<?>[] {Map.class, Map.class}, options, environment);
    }

    public String describe(Map<String, String> options, Map<String, String> environment) {
        return (String)
                call("describe", new Class<?>[] {Map.class, Map.class}, options, environment);
    }

    /**
     * Runs the preflight; returns its warnings. Its failures keep their message: an {@code
     * IngestSetupException} (source or Kafka not ready) is rethrown as {@link NotReady}.
     */
    @SuppressWarnings("unchecked")
    public List<String> prepare(Map<String, String> options, Map<String, String> environment) {
        return (List<String>)
                call("prepare", new Class<?>[] {Map.class, Map.class}, options, environment);
    }

    /** Adds the job to {@code env} (which must ship {@link #jar()}); returns the job's name. */
    public String addTo(
            StreamExecutionEnvironment env,
            Map<String, String> options,
            Map<String, String> environment) {
        return (String)
                call(
                        "addTo",
                        new Class<?>[] {StreamExecutionEnvironment.class, Map.class, Map.class},
                        env,
                        options,
                        environment);
    }

    /** Runs {@code action} with the job jar's class loader as context class loader. */
    public <T> T withContextLoader(Callable<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Object call(String name, Class<?>[] types, Object... arguments) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Method method = launcher.getMethod(name, types);
            return method.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause.getClass().getSimpleName().equals("IngestSetupException")) {
                throw new NotReady(cause.getMessage(), cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "The MySQL ingest job jar " + jar + " lacks " + LAUNCHER + "." + name, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The source or Kafka is not ready; the message says what and how to fix it. */
    public static final class NotReady extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotReady(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Closes the class loader (after the job ended). */
    @Override
    public void close() throws IOException {
        loader.close();
    }
}
