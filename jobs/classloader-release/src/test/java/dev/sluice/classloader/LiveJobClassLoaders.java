package dev.sluice.classloader;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The job class loaders the test jobs ran in, held weakly. The test leaves this class out of the
 * job jar it submits, so the jobs' class loaders find the test's copy (their parent's) and record
 * themselves here.
 */
public final class LiveJobClassLoaders {
    private static final List<WeakReference<ClassLoader>> LOADERS = new CopyOnWriteArrayList<>();

    private LiveJobClassLoaders() {}

    /** Records {@code loader} once (every subtask of a job on a TaskManager shares it). */
    public static synchronized void record(ClassLoader loader) {
        for (WeakReference<ClassLoader> ref : LOADERS) {
            if (ref.get() == loader) {
                return;
            }
        }
        LOADERS.add(new WeakReference<>(loader));
    }

    /** How many recorded class loaders are still reachable. */
    static int live() {
        return (int) LOADERS.stream().filter(ref -> ref.get() != null).count();
    }

    static int recorded() {
        return LOADERS.size();
    }

    static void clear() {
        LOADERS.clear();
    }
}
