package dev.sluice.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class MySqlIngestConfigTest {

    private static Configuration valid() {
        return Configuration.fromMap(
                Map.of(
                        "mysql.hostname", "db.internal",
                        "mysql.database", "shop",
                        "tables", "customers;cards",
                        "kafka.bootstrap-servers", "kafka:9092"));
    }

    @Test
    void stagingProducerRunsKafkaDefaultsUnlessAsked() {
        Properties producer = MySqlIngestConfig.from(valid(), Map.of()).producerProperties();

        assertThat(producer)
                .containsEntry("linger.ms", "0")
                .containsEntry("batch.size", "16384")
                .containsEntry("compression.type", "none")
                .containsEntry("transaction.timeout.ms", "900000");
    }

    @Test
    void producerBatchingIsOverridableAndChecked() {
        Configuration options = valid();
        options.setString("kafka.producer.linger", "5 ms");
        options.setString("kafka.producer.batch-size", "65536");
        options.setString("kafka.producer.compression", "zstd");
        Properties producer = MySqlIngestConfig.from(options, Map.of()).producerProperties();
        assertThat(producer)
                .containsEntry("linger.ms", "5")
                .containsEntry("batch.size", "65536")
                .containsEntry("compression.type", "zstd");

        Configuration badCompression = valid();
        badCompression.setString("kafka.producer.compression", "brotli");
        assertThatThrownBy(() -> MySqlIngestConfig.from(badCompression, Map.of()))
                .hasMessageContaining("'kafka.producer.compression'")
                .hasMessageContaining("'brotli'")
                .hasMessageContaining("lz4");

        Configuration zeroBatch = valid();
        zeroBatch.setString("kafka.producer.batch-size", "0");
        assertThatThrownBy(() -> MySqlIngestConfig.from(zeroBatch, Map.of()))
                .hasMessageContaining("'kafka.producer.batch-size'")
                .hasMessageContaining("at least 1");

        Configuration negativeLinger = valid();
        negativeLinger.setString("kafka.producer.linger", "-1 ms");
        assertThatThrownBy(() -> MySqlIngestConfig.from(negativeLinger, Map.of()))
                .hasMessageContaining("'kafka.producer.linger'");
    }

    @Test
    void sourcePollIntervalIsDebeziumsUnlessAskedAndChecked() {
        Properties debezium = new Properties();
        MySqlIngestConfig.from(valid(), Map.of()).applySourcePoll(debezium);
        assertThat(debezium).containsEntry("poll.interval.ms", "500");

        Configuration slow = valid();
        slow.setString("source.poll-interval", "50 ms");
        Properties asked = new Properties();
        MySqlIngestConfig.from(slow, Map.of()).applySourcePoll(asked);
        assertThat(asked).containsEntry("poll.interval.ms", "50");

        Configuration tooLong = valid();
        tooLong.setString("source.poll-interval", "1 min");
        assertThatThrownBy(() -> MySqlIngestConfig.from(tooLong, Map.of()))
                .hasMessageContaining("'source.poll-interval'")
                .hasMessageContaining("1 ms to 10 s");
    }
}
