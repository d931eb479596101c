package dev.sluice.staging;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Batching and compression of the staging producer, the same options for both ingest jobs
 * (PostgreSQL and MySQL): validated once here and applied to the exactly-once Kafka sink.
 */
public final class StagingProducerOptions {

    /** Kafka's compression.type values. */
    public static final List<String> COMPRESSIONS =
            List.of("none", "gzip", "snappy", "lz4", "zstd");

    public static final ConfigOption<Duration> LINGER =
            ConfigOptions.key("kafka.producer.linger")
                    .durationType()
                    .defaultValue(Duration.ofMillis(0))
                    .withDescription(
                            "How long the staging producer waits to fill a batch (Kafka's"
                                    + " linger.ms). Records become visible only when the checkpoint"
                                    + " commits the transaction, so a few ms cost no freshness.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("kafka.producer.batch-size")
                    .intType()
                    .defaultValue(16_384)
                    .withDescription(
                            "Bytes per partition batch of the staging producer (Kafka's"
                                    + " batch.size).");

    public static final ConfigOption<String> COMPRESSION =
            ConfigOptions.key("kafka.producer.compression")
                    .stringType()
                    .defaultValue("none")
                    .withDescription(
                            "Compression of staging batches (Kafka's compression.type): none,"
                                    + " gzip, snappy, lz4 or zstd.");

    private StagingProducerOptions() {}

    /** Rejects a negative linger, a batch size below 1 and an unknown compression, by key. */
    public static void validate(ReadableConfig options) {
        if (options.get(LINGER).isNegative()) {
            throw new IllegalArgumentException(
                    "Invalid option '"
                            + LINGER.key()
                            + "': "
                            + options.get(LINGER)
                            + ". Use 0 ms or more, e.g. 20 ms.");
        }
        if (options.get(BATCH_SIZE) < 1) {
            throw new IllegalArgumentException(
                    "Invalid option '"
                            + BATCH_SIZE.key()
                            + "': "
                            + options.get(BATCH_SIZE)
                            + ". It must be at least 1.");
        }
        String compression = options.get(COMPRESSION);
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException(
                    "Invalid option '"
                            + COMPRESSION.key()
                            + "': '"
                            + compression
                            + "'. Use one of "
                            + String.join(", ", COMPRESSIONS)
                            + ".");
        }
    }

    /** Sets linger.ms, batch.size and compression.type of {@code producer} from the options. */
    public static void applyTo(Properties producer, ReadableConfig options) {
        producer.setProperty(
                ProducerConfig.LINGER_MS_CONFIG, String.valueOf(options.get(LINGER).toMillis()));
        producer.setProperty(
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(options.get(BATCH_SIZE)));
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.get(COMPRESSION));
    }
}
