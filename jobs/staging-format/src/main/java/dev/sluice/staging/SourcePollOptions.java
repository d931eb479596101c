package dev.sluice.staging;

import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * How often the change source of both ingest jobs (PostgreSQL and MySQL) looks for changes when it
 * has none, validated once here and applied as Debezium's {@code poll.interval.ms}.
 *
 * <p>Debezium uses that interval twice: its PostgreSQL WAL reader sleeps for it whenever the
 * replication stream has no message, and its change queue waits up to it for a batch to fill before
 * handing changes to the Flink CDC source. Debezium's default, 500 ms, is added to every change at
 * rates below a batch per interval, and to every snapshot chunk's WAL backfill, which ends only
 * when the reader wakes up and sees the chunk's high watermark (about half a second per chunk on
 * the build machine, whatever its load). 50 ms costs an idle reader a non-blocking read twenty
 * times a second.
 */
public final class SourcePollOptions {

    public static final ConfigOption<Duration> POLL_INTERVAL =
            ConfigOptions.key("source.poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "How long the change source sleeps when there is no change, and waits"
                                    + " for a batch of changes to fill (Debezium's"
                                    + " poll.interval.ms): added to a change's way into staging at"
                                    + " low rates and to every snapshot chunk's backfill.");

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofSeconds(10);

    private SourcePollOptions() {}

    /** Rejects an interval outside 1 ms to 10 s, by key. */
    public static void validate(ReadableConfig options) {
        Duration poll = options.get(POLL_INTERVAL);
        if (poll.compareTo(MIN) < 0 || poll.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(
                    "Invalid option '"
                            + POLL_INTERVAL.key()
                            + "': "
                            + poll
                            + ". Use 1 ms to 10 s (default 500 ms); it is how long the change"
                            + " source sleeps when it has no change.");
        }
    }

    /** Sets Debezium's {@code poll.interval.ms} from the options. */
    public static void applyTo(Properties debezium, ReadableConfig options) {
        debezium.setProperty(
                "poll.interval.ms", String.valueOf(options.get(POLL_INTERVAL).toMillis()));
    }
}
