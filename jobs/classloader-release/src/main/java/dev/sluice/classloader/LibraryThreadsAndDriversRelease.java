package dev.sluice.classloader;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Driver;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.util.UserCodeClassLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A release hook of the job's user-code class loader that lets the class loader be unloaded when
 * its job leaves a TaskManager (or JobManager): it stops the threads and drops the registrations
 * that libraries inside the job jar leave behind, each of which would otherwise keep every class of
 * the job jar in metaspace (25–30 MB per job submission, see docs/reliability.md):
 *
 * <ul>
 *   <li>Iceberg's static worker pools ({@code iceberg-worker-pool}, {@code
 *       iceberg-delete-worker-pool}) and the lock managers' heartbeat scheduler ({@code
 *       iceberg-lock-manager}), and the JVM shutdown hooks their exiting executors register;
 *   <li>JDBC drivers the job jar registered in {@link DriverManager};
 *   <li>the MySQL driver's {@code mysql-cj-abandoned-connection-cleanup} thread.
 * </ul>
 *
 * <p>It reaches those libraries by reflection through the class loader being released, so it
 * depends on none of them and skips any the job jar does not hold. Register it from any operator or
 * format a job runs with {@link #registerFor(RuntimeContext)} or {@link
 * #registerFor(UserCodeClassLoader)}; registering it again is a no-op. It must be loaded by the
 * job's class loader (bundled in the job jar), so that {@link DriverManager} lets it see and
 * deregister the job's drivers.
 */
public final class LibraryThreadsAndDriversRelease implements Runnable {
    private static final Logger LOG =
            LoggerFactory.getLogger(LibraryThreadsAndDriversRelease.class);

    /** The name the hook is registered under (once per class loader). */
    public static final String HOOK_NAME = "sluice-release-library-threads-and-drivers";

    private static final String ICEBERG_THREAD_POOLS = "org.apache.iceberg.util.ThreadPools";
    private static final String ICEBERG_LOCK_MANAGER =
            "org.apache.iceberg.util.LockManagers$BaseLockManager";
    private static final String MYSQL_CLEANUP_THREAD =
            "com.mysql.cj.jdbc.AbandonedConnectionCleanupThread";

    /** Guava's exiting executors name their JVM shutdown hook so (Iceberg's relocated copy too). */
    private static final String GUAVA_SHUTDOWN_HOOK_PREFIX = "DelayedShutdownHook-for-";

    /** The class loader handed to the job's code (Flink wraps the one that reads the jar). */
    private final ClassLoader jobClassLoader;

    /** The class loader that read the job jar: the one whose classes this releases. */
    private final ClassLoader jarClassLoader;

    LibraryThreadsAndDriversRelease(ClassLoader jobClassLoader) {
        this.jobClassLoader = jobClassLoader;
        this.jarClassLoader = LibraryThreadsAndDriversRelease.class.getClassLoader();
    }

    /**
     * Whether this class came with the job jar: not when it sits on the cluster's own class path
     * (Flink's {@code lib/}, or a test's class path), whose classes and threads live as long as the
     * JVM and must not be stopped when one job leaves.
     */
    boolean releasesJobJar() {
        return jarClassLoader != null
                && jarClassLoader != RuntimeContext.class.getClassLoader()
                && jarClassLoader != ClassLoader.getSystemClassLoader();
    }

    /** Registers the hook on the class loader of the job {@code context} belongs to. */
    public static void registerFor(RuntimeContext context) {
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(
                HOOK_NAME, new LibraryThreadsAndDriversRelease(context.getUserCodeClassLoader()));
    }

    /**
     * Registers the hook on {@code classLoader} (from a format's or serializer's {@code
     * InitializationContext#getUserCodeClassLoader()}).
     */
    public static void registerFor(UserCodeClassLoader classLoader) {
        classLoader.registerReleaseHookIfAbsent(
                HOOK_NAME, new LibraryThreadsAndDriversRelease(classLoader.asClassLoader()));
    }

    @Override
    public void run() {
        if (!releasesJobJar()) {
            LOG.info(
                    "{} is on the cluster's class path, not in the job jar: nothing to release",
                    getClass().getSimpleName());
            return;
        }
        shutDownIcebergPools();
        deregisterDrivers();
        shutDownMySqlCleanupThread();
        removeShutdownHooks();
    }

    private void shutDownIcebergPools() {
        Class<?> pools = loadedClass(ICEBERG_THREAD_POOLS);
        if (pools != null) {
            for (String name : List.of("getWorkerPool", "getDeleteWorkerPool")) {
                try {
                    ((ExecutorService) pools.getMethod(name).invoke(null)).shutdownNow();
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    LOG.warn(
                            "Could not shut down Iceberg's ThreadPools.{}(): {}",
                            name,
                            e.toString());
                }
            }
        }
        Class<?> lockManager = loadedClass(ICEBERG_LOCK_MANAGER);
        if (lockManager != null) {
            try {
                Field scheduler = lockManager.getDeclaredField("scheduler");
                scheduler.setAccessible(true);
                Object executor = scheduler.get(null);
                if (executor instanceof ExecutorService service) {
                    service.shutdownNow();
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.warn("Could not shut down Iceberg's lock manager scheduler: {}", e.toString());
            }
        }
    }

    private void deregisterDrivers() {
        // DriverManager shows and deregisters only the drivers this class's loader can see
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == jarClassLoader) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (Exception e) {
                    LOG.warn(
                            "Could not deregister JDBC driver {}: {}",
                            driver.getClass().getName(),
                            e.toString());
                }
            }
        }
    }

    private void shutDownMySqlCleanupThread() {
        Class<?> cleanup = loadedClass(MYSQL_CLEANUP_THREAD);
        if (cleanup != null) {
            try {
                Method shutdown = cleanup.getMethod("checkedShutdown");
                shutdown.invoke(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.warn("Could not stop the MySQL driver's cleanup thread: {}", e.toString());
            }
        }
    }

    /**
     * Iceberg's pools are Guava exiting executors: each registers a JVM shutdown hook (a thread
     * holding the executor) that keeps the job's classes reachable after the pool stopped. Needs
     * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}, which Iceberg on Java 17 needs anyway;
     * without it the hooks stay and a warning says so.
     */
    private void removeShutdownHooks() {
        List<Thread> hooks = new ArrayList<>();
        try {
            Class<?> shutdownHooks = Class.forName("java.lang.ApplicationShutdownHooks");
            Field field = shutdownHooks.getDeclaredField("hooks");
            field.setAccessible(true);
            synchronized (shutdownHooks) {
                Object value = field.get(null);
                if (value instanceof Map<?, ?> map) {
                    for (Object hook : map.keySet()) {
                        if (hook instanceof Thread thread
                                && thread.getName().startsWith(GUAVA_SHUTDOWN_HOOK_PREFIX)
                                && isJobLoader(thread.getContextClassLoader())) {
                            hooks.add(thread);
                        }
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "Could not list JVM shutdown hooks ({}): the job's class loader stays until the"
                            + " JVM exits; start the JVM with"
                            + " --add-opens=java.base/java.lang=ALL-UNNAMED",
                    e.toString());
            return;
        }
        for (Thread hook : hooks) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                return; // the JVM is shutting down: nothing to release
            }
        }
    }

    private boolean isJobLoader(ClassLoader loader) {
        return loader != null && (loader == jobClassLoader || loader == jarClassLoader);
    }

    /**
     * The class if the job jar's class loader has loaded it itself (and so may have started what it
     * holds); null if it has not, or if the class is the cluster's.
     */
    private Class<?> loadedClass(String name) {
        Class<?> found;
        try {
            Method findLoaded =
                    ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            findLoaded.setAccessible(true);
            found = (Class<?>) findLoaded.invoke(jarClassLoader, name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // without --add-opens java.base/java.lang: load it (a new pool has no thread yet)
            try {
                found = Class.forName(name, true, jarClassLoader);
            } catch (ClassNotFoundException | LinkageError notThere) {
                return null;
            }
        }
        return found != null && found.getClassLoader() == jarClassLoader ? found : null;
    }
}
