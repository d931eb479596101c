package dev.sluice.staging;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends a {@link StagingRecord} to its own topic; Kafka's partitioner hashes the primary key. */
public final class StagingRecordSerializer
        implements KafkaRecordSerializationSchema<StagingRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            StagingRecord record, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(record.topic, null, timestamp, record.key, record.value);
    }
}
