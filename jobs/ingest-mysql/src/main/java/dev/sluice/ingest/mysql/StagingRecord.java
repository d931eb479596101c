package dev.sluice.ingest.mysql;

import java.util.Objects;

/**
 * One record bound for the staging area: its topic, the primary key (JSON) as Kafka key and the
 * change event (Debezium JSON envelope) as value. A Flink POJO; the same record as the PostgreSQL
 * ingest's, kept apart because the two jobs never share a class path.
 */
public class StagingRecord {
    public String topic;
    public byte[] key;
    public byte[] value;

    public StagingRecord() {}

    public StagingRecord(String topic, byte[] key, byte[] value) {
        this.topic = Objects.requireNonNull(topic);
        this.key = key;
        this.value = value;
    }
}
