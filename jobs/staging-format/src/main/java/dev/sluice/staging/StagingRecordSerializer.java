package dev.sluice.staging;

import dev.sluice.classloader.LibraryThreadsAndDriversRelease;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends a {@link StagingRecord} to its own topic; Kafka's partitioner hashes the primary key. */
public final class StagingRecordSerializer
        implements KafkaRecordSerializationSchema<StagingRecord> {
    private static final long serialVersionUID = 1L;

    /**
     * Both ingest jobs write staging with this serializer: it releases the threads and drivers of
     * the job jar's libraries with the job's class loader.
     */
    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        LibraryThreadsAndDriversRelease.registerFor(context.getUserCodeClassLoader());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            StagingRecord record, KafkaSinkContext context, Long timestamp) {
        if (record.plainSpans != null) {
            // a wiring fault, never data: the encrypting operator is missing from the job
            throw new IllegalStateException(
                    "A change for "
                            + record.topic
                            + " reached the staging sink with its classified values still"
                            + " plain; the ingest job must encrypt them first (staging"
                            + " encryption operator).");
        }
        return new ProducerRecord<>(record.topic, null, timestamp, record.key, record.value);
    }
}
