package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    private static Configuration valid() {
        return Configuration.fromMap(
                Map.of(
                        "postgres.hostname", "db.internal",
                        "postgres.port", "5433",
                        "postgres.database", "payments",
                        "tables", "public.customers;cards",
                        "slot.name", "sluice_payments",
                        "kafka.bootstrap-servers", "kafka:9092"));
    }

    @Test
    void derivesTopicsSlotPublicationAndTransactionalIds() {
        IngestConfig config = IngestConfig.from(valid(), Map.of());

        assertThat(config.tables())
                .containsExactly(
                        new SourceTable("public", "customers"), new SourceTable("public", "cards"));
        assertThat(config.stagingTopics().values())
                .containsExactly(
                        "staging.payments.public.customers", "staging.payments.public.cards");
        assertThat(config.deadLetterTopic()).isEqualTo("staging.payments.dead-letter");
        assertThat(config.publicationName()).isEqualTo("sluice_payments");
        assertThat(config.transactionalIdPrefix())
                .isEqualTo("sluice-ingest-payments-sluice_payments");
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/payments");
    }

    @Test
    void readsThePasswordFromTheNamedEnvironmentVariableAndNeverPrintsIt() {
        Configuration options = valid();
        options.setString("postgres.password-env", "PAYMENTS_DB_PASSWORD");

        IngestConfig config =
                IngestConfig.from(options, Map.of("PAYMENTS_DB_PASSWORD", "s3cr3t-value"));

        assertThat(config.password()).isEqualTo("s3cr3t-value");
        assertThat(config.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void missingTablesSaysWhichOptionAndGivesAnExample() {
        Configuration options = valid();
        options.removeKey("tables");

        assertThatThrownBy(() -> IngestConfig.from(options, Map.of()))
                .hasMessageContaining("Missing required option 'tables'")
                .hasMessageContaining("--tables 'public.customers;public.cards'");
    }

    @Test
    void rejectsMalformedTableNamesAndSlotNames() {
        Configuration badTable = valid();
        badTable.setString("tables", "public.customers;a.b.c");
        assertThatThrownBy(() -> IngestConfig.from(badTable, Map.of()))
                .hasMessageContaining("'a.b.c'")
                .hasMessageContaining("schema.table");

        Configuration badSlot = valid();
        badSlot.setString("slot.name", "Sluice-Slot");
        assertThatThrownBy(() -> IngestConfig.from(badSlot, Map.of()))
                .hasMessageContaining("slot.name")
                .hasMessageContaining("lower-case");
    }

    @Test
    void rejectsMissingKafkaAndZeroPartitions() {
        Configuration noKafka = valid();
        noKafka.removeKey("kafka.bootstrap-servers");
        assertThatThrownBy(() -> IngestConfig.from(noKafka, Map.of()))
                .hasMessageContaining("'kafka.bootstrap-servers'");

        Configuration zeroPartitions = valid();
        zeroPartitions.setString("staging.partitions", "0");
        assertThatThrownBy(() -> IngestConfig.from(zeroPartitions, Map.of()))
                .hasMessageContaining("'staging.partitions'")
                .hasMessageContaining("at least 1");
    }

    @Test
    void producerBatchingIsOverridableAndChecked() {
        Configuration options = valid();
        options.setString("kafka.producer.linger", "5 ms");
        options.setString("kafka.producer.batch-size", "65536");
        options.setString("kafka.producer.compression", "zstd");
        IngestConfig config = IngestConfig.from(options, Map.of());
        assertThat(config.producerLinger()).hasMillis(5);
        assertThat(config.producerBatchSize()).isEqualTo(65_536);
        assertThat(config.producerCompression()).isEqualTo("zstd");

        Configuration badCompression = valid();
        badCompression.setString("kafka.producer.compression", "brotli");
        assertThatThrownBy(() -> IngestConfig.from(badCompression, Map.of()))
                .hasMessageContaining("'kafka.producer.compression'")
                .hasMessageContaining("'brotli'")
                .hasMessageContaining("lz4");

        Configuration zeroBatch = valid();
        zeroBatch.setString("kafka.producer.batch-size", "0");
        assertThatThrownBy(() -> IngestConfig.from(zeroBatch, Map.of()))
                .hasMessageContaining("'kafka.producer.batch-size'");
    }

    @Test
    void snapshotBackfillRunsUnlessSkippingIsAsked() {
        assertThat(IngestConfig.from(valid(), Map.of()).snapshotBackfillSkip()).isFalse();

        Configuration skip = valid();
        skip.setString("snapshot.backfill.skip", "true");
        assertThat(IngestConfig.from(skip, Map.of()).snapshotBackfillSkip()).isTrue();
    }

    @Test
    void sourcePollIntervalIsDebeziumsUnlessAskedAndChecked() {
        assertThat(IngestConfig.from(valid(), Map.of()).sourcePollInterval()).hasMillis(500);

        Configuration fast = valid();
        fast.setString("source.poll-interval", "50 ms");
        assertThat(IngestConfig.from(fast, Map.of()).sourcePollInterval()).hasMillis(50);

        Configuration zero = valid();
        zero.setString("source.poll-interval", "0 ms");
        assertThatThrownBy(() -> IngestConfig.from(zero, Map.of()))
                .hasMessageContaining("'source.poll-interval'")
                .hasMessageContaining("1 ms to 10 s");
    }
}
