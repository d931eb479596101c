package dev.sluice.harness;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Drives write load into a database at a target rate of transactions per second over several
 * connections, one thread each, and reports what it achieved against what was asked.
 *
 * <p>Each connection runs its own {@link Lane}, which commits one transaction per call (a batch of
 * any number of row changes) and returns the row changes it committed. Every connection keeps its
 * own schedule at {@code rate / connections} transactions per second; a connection that falls
 * behind runs without pause until it has caught up, so a shortfall at the end means the database
 * (or the lanes) could not take the rate, not that the pacing lost time. Lanes must not touch each
 * other's rows, or their transactions wait on each other's locks.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Opens one connection per lane. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    /** One connection's work: commits one transaction per call. */
    @FunctionalInterface
    public interface Lane {
        /** Commits one transaction and returns the number of row changes it committed. */
        int commitOne(Connection connection) throws SQLException;
    }

    /**
     * @param connections connections (and threads), at least 1
     * @param transactionsPerSecond the rate asked over all connections, more than 0
     * @param duration how long to drive the load; the generator stops earlier on {@link #stop()}
     */
    public record Settings(int connections, double transactionsPerSecond, Duration duration) {
        public Settings {
            if (connections < 1) {
                throw new IllegalArgumentException(
                        "LoadGenerator connections must be at least 1, was " + connections);
            }
            if (!(transactionsPerSecond > 0)) {
                throw new IllegalArgumentException(
                        "LoadGenerator transactionsPerSecond must be more than 0, was "
                                + transactionsPerSecond);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(
                        "LoadGenerator duration must be positive, was " + duration);
            }
        }
    }

    /**
     * What one run achieved.
     *
     * @param askedTransactionsPerSecond the rate asked
     * @param transactions transactions committed
     * @param rowChanges row changes committed
     * @param elapsed from the start until the last connection stopped
     * @param stoppedEarly whether {@link #stop()} ended the run before its duration
     */
    public record Result(
            int connections,
            double askedTransactionsPerSecond,
            long transactions,
            long rowChanges,
            Duration elapsed,
            boolean stoppedEarly) {

        public double transactionsPerSecond() {
            return transactions / seconds();
        }

        public double rowChangesPerSecond() {
            return rowChanges / seconds();
        }

        /** Achieved over asked transactions per second. */
        public double ratio() {
            return transactionsPerSecond() / askedTransactionsPerSecond;
        }

        /** Whether the achieved rate is within 5 % of the one asked. */
        public boolean reached() {
            return ratio() >= 0.95;
        }

        private double seconds() {
            return Math.max(elapsed.toNanos(), 1) / 1e9;
        }

        /** One line: achieved vs asked, and plainly when the rate asked was not reached. */
        public String describe() {
            String line =
                    String.format(
                            Locale.ROOT,
                            "achieved %,.0f transactions/s (%,.0f row changes/s) of %,.0f asked"
                                    + " over %.1f s with %d connection%s",
                            transactionsPerSecond(),
                            rowChangesPerSecond(),
                            askedTransactionsPerSecond,
                            seconds(),
                            connections,
                            connections == 1 ? "" : "s");
            if (reached()) {
                return line;
            }
            return line
                    + String.format(
                            Locale.ROOT,
                            " — %.0f %% short: the database cannot take %,.0f transactions/s"
                                    + " from %d connection%s on this machine",
                            (1 - ratio()) * 100,
                            askedTransactionsPerSecond,
                            connections,
                            connections == 1 ? "" : "s");
        }
    }

    private final Settings settings;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong rowChanges = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final CountDownLatch done;
    private final List<Thread> threads = new ArrayList<>();
    private long startedNanos;
    private volatile long endedNanos;

    private LoadGenerator(Settings settings) {
        this.settings = settings;
        this.done = new CountDownLatch(settings.connections());
    }

    /**
     * Opens the connections and starts driving load; {@code lanes} is called once per connection
     * with its index (0 to connections − 1), before any thread starts.
     */
    public static LoadGenerator start(
            Settings settings, ConnectionFactory connections, IntFunction<Lane> lanes)
            throws SQLException {
        LoadGenerator generator = new LoadGenerator(settings);
        List<Connection> opened = new ArrayList<>();
        List<Lane> laneList = new ArrayList<>();
        try {
            for (int i = 0; i < settings.connections(); i++) {
                opened.add(connections.open());
                laneList.add(lanes.apply(i));
            }
        } catch (SQLException | RuntimeException e) {
            for (Connection connection : opened) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        generator.startedNanos = System.nanoTime();
        long deadline = generator.startedNanos + settings.duration().toNanos();
        long interval =
                (long)
                        (TimeUnit.SECONDS.toNanos(1)
                                * settings.connections()
                                / settings.transactionsPerSecond());
        for (int i = 0; i < settings.connections(); i++) {
            Connection connection = opened.get(i);
            Lane lane = laneList.get(i);
            // spread the connections' first transactions over one interval
            long first = System.nanoTime() + interval * i / settings.connections();
            Thread thread =
                    new Thread(
                            () -> generator.drive(connection, lane, first, interval, deadline),
                            "load-generator-" + i);
            // never keeps the JVM alive, should it hang in a database call
            thread.setDaemon(true);
            generator.threads.add(thread);
        }
        generator.threads.forEach(Thread::start);
        return generator;
    }

    private void drive(Connection connection, Lane lane, long first, long interval, long deadline) {
        long next = first;
        try (connection) {
            while (!stopping.get() && failure.get() == null) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                long wait = next - now;
                if (wait > 0) {
                    // pacing the load to its schedule
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, deadline - now));
                    continue;
                }
                int changes = lane.commitOne(connection);
                transactions.incrementAndGet();
                rowChanges.addAndGet(changes);
                next += interval;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            endedNanos = System.nanoTime();
            done.countDown();
        }
    }

    /** Transactions committed so far. */
    public long transactions() {
        return transactions.get();
    }

    /** Row changes committed so far. */
    public long rowChanges() {
        return rowChanges.get();
    }

    /** Asks every connection to stop after its current transaction. */
    public void stop() {
        stopping.set(true);
    }

    /** Waits up to {@code timeout} for every connection to stop; true when they have. */
    public boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The first failure of any connection so far, or null. */
    public Exception failure() {
        return failure.get();
    }

    /**
     * Waits for the run to end (its duration or {@link #stop()}) and returns what it achieved;
     * throws the first failure of any connection.
     */
    public Result result() throws Exception {
        done.await();
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Result(
                settings.connections(),
                settings.transactionsPerSecond(),
                transactions.get(),
                rowChanges.get(),
                Duration.ofNanos(endedNanos - startedNanos),
                stopping.get() && endedNanos - startedNanos < settings.duration().toNanos());
    }

    /** Stops the load and waits up to 30 s for the connections to end. */
    @Override
    public void close() throws InterruptedException {
        stop();
        await(Duration.ofSeconds(30));
    }
}
