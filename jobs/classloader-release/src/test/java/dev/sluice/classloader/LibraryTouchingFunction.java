package dev.sluice.classloader;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.sql.DriverManager;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.iceberg.LockManager;
import org.apache.iceberg.util.LockManagers;
import org.apache.iceberg.util.ThreadPools;

/**
 * What a Sluice job does to the libraries of its jar, in small: it runs work on Iceberg's static
 * worker pools, takes and releases a lock of Iceberg's lock manager (its heartbeat scheduler) and
 * registers the PostgreSQL driver. With {@code releaseHook} it registers {@link
 * LibraryThreadsAndDriversRelease} as Sluice's jobs do.
 */
public final class LibraryTouchingFunction extends RichMapFunction<Long, Long> {
    private static final long serialVersionUID = 1L;

    private final boolean releaseHook;

    public LibraryTouchingFunction(boolean releaseHook) {
        this.releaseHook = releaseHook;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        if (getClass().getClassLoader() == LiveJobClassLoaders.class.getClassLoader()) {
            throw new IllegalStateException(
                    "LibraryTouchingFunction was loaded by the test's class loader, not the job"
                            + " jar's: the submitted jar must hold it");
        }
        LiveJobClassLoaders.record(getClass().getClassLoader());
        if (releaseHook) {
            LibraryThreadsAndDriversRelease.registerFor(getRuntimeContext());
        }
        ThreadPools.getWorkerPool().submit(() -> 1).get(60, TimeUnit.SECONDS);
        ThreadPools.getDeleteWorkerPool().submit(() -> 1).get(60, TimeUnit.SECONDS);
        // the JVM-wide default lock manager, as a Hadoop catalog without lock-impl uses it
        LockManager locks = LockManagers.defaultLockManager();
        if (!locks.acquire("table", "owner")) {
            throw new IllegalStateException("Iceberg's in-memory lock was not acquired");
        }
        locks.release("table", "owner");
        Class.forName("org.postgresql.Driver", true, getClass().getClassLoader());
        loadIcebergClasses();
        if (!DriverManager.getDrivers().hasMoreElements()) {
            throw new IllegalStateException("the PostgreSQL driver did not register");
        }
    }

    /**
     * Loads (without initializing) the classes of Iceberg's core package (and what they refer to),
     * as a job that writes Iceberg tables loads them, so that what a kept class loader costs shows
     * in metaspace.
     */
    private void loadIcebergClasses() throws IOException {
        ClassLoader loader = getClass().getClassLoader();
        URL pools = loader.getResource("org/apache/iceberg/util/ThreadPools.class");
        if (pools == null || !(pools.openConnection() instanceof JarURLConnection connection)) {
            throw new IllegalStateException("Iceberg's runtime is not in a job jar: " + pools);
        }
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith("org/apache/iceberg/")
                        && name.indexOf('/', "org/apache/iceberg/".length()) < 0
                        && name.endsWith(".class")
                        && !name.contains("-")) {
                    try {
                        Class.forName(
                                name.substring(0, name.length() - 6).replace('/', '.'),
                                false,
                                loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // a class of an optional dependency (Hadoop, AWS, ...): not needed here
                    }
                }
            }
        }
    }

    @Override
    public Long map(Long value) {
        return value;
    }
}
