package dev.sluice.ingest;

import java.util.Objects;

/**
 * One record bound for the staging area: its topic, the primary key (JSON) as Kafka key and the
 * change event (Debezium JSON envelope) as value. A Flink POJO.
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
