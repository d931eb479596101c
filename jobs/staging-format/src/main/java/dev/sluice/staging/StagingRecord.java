package dev.sluice.staging;

import java.util.Objects;
import java.util.Set;

/**
 * One record bound for the staging area: its topic, the primary key (JSON) as Kafka key and the
 * change event (Debezium JSON envelope) as value. A Flink POJO, shared by both ingest jobs: this
 * module has neither Debezium nor Kafka Connect, so it sits on the PostgreSQL job's class path and
 * in the MySQL job's own jar alike.
 */
public class StagingRecord {
    public String topic;
    public byte[] key;
    public byte[] value;

    /** The schema version of the change's table (null: not a change, e.g. a dead letter). */
    public String schemaVersion;

    /**
     * The table's columns as {@code StagingSchemas.columnsJson}, set on the first change of a
     * version that this source reader emits (null otherwise); the schema registrar needs them only
     * when the version is new to it.
     */
    public String schemaColumns;

    /** When the source says the change happened (epoch millis; 0 when it does not say). */
    public long sourceMillis;

    /**
     * Set only between the PostgreSQL ingest's deserializer and its encrypting operator, on a
     * change of a table with staging encryption: where the subject ids and the classified values
     * lie in {@link #value}, still plain, as (row, column, start, end) quadruples. The operator
     * replaces those values by their tokens and clears this; {@link StagingRecordSerializer}
     * refuses a record that still has it.
     */
    public int[] plainSpans;

    public StagingRecord() {}

    public StagingRecord(String topic, byte[] key, byte[] value) {
        this.topic = Objects.requireNonNull(topic);
        this.key = key;
        this.value = value;
    }

    /**
     * Stamps a staged change with its schema version ({@code version[0]}), the table's columns
     * ({@code version[1]}) when the reader has not sent this topic and version yet ({@code
     * announced}: its {@code topic@version} set, see {@link SchemaRegistrar}) and when the source
     * says it happened.
     */
    public StagingRecord versioned(String[] version, Set<String> announced, long sourceMillis) {
        schemaVersion = version[0];
        if (announced.add(topic + "@" + version[0])) {
            schemaColumns = version[1];
        }
        this.sourceMillis = sourceMillis;
        return this;
    }
}
