package dev.sluice.ingest;

import dev.sluice.staging.StagingRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Encrypts the classified columns of staged changes ({@link StagingEncryption}) between the CDC
 * source and the Kafka sink, creating data keys in batches.
 *
 * <p>A change whose subjects all have a cached key is encrypted and passed on at once. A change of
 * a subject without a cached key waits, with every later change of an encrypted table (their order
 * within a topic is kept), until {@link #BATCH} changes wait or the next checkpoint barrier: then
 * the keys of all waiting subjects are fetched and the missing ones created in one multi-row insert
 * (one commit, {@link dev.sluice.stagingkeys.SubjectKeys#prepare}), and the changes go out
 * encrypted, before the barrier. So a key is durable in the key store before any change encrypted
 * with it is written to the Kafka transaction that the barrier's checkpoint commits; and nothing
 * waits in this operator across a checkpoint (it has no state). At each barrier it also reads the
 * key store's shred log, so a key destroyed while ingest runs is not used after the next barrier
 * (nor after {@link dev.sluice.stagingkeys.SubjectKeys#SHRED_POLL}): later changes of that subject
 * get a new key.
 */
final class StagingEncryptionOperator extends AbstractStreamOperator<StagingRecord>
        implements OneInputStreamOperator<StagingRecord, StagingRecord>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** Changes that wait for keys at most, before a batch of keys is made. */
    static final int BATCH = 4096;

    private final StagingEncryption encryption;
    private final Map<String, StagingEncryption.Rule> byTopic;
    private transient List<Waiting> waiting;
    private transient Map<String, Set<String>> missing;

    private record Waiting(
            StagingRecord record, ObjectNode envelope, StagingEncryption.Rule rule, long ts) {}

    StagingEncryptionOperator(
            StagingEncryption encryption, Map<String, StagingEncryption.Rule> byTopic) {
        this.encryption = encryption;
        this.byTopic = Map.copyOf(byTopic);
        // in the source's task: plain values never cross a network buffer (where an unaligned
        // checkpoint could persist them)
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        waiting = new ArrayList<>();
        missing = new LinkedHashMap<>();
        encryption.keys().refreshShreds();
    }

    @Override
    public void processElement(StreamRecord<StagingRecord> element) throws Exception {
        StagingRecord record = element.getValue();
        StagingEncryption.Rule rule = byTopic.get(record.topic);
        if (rule == null || record.value == null) {
            output.collect(element);
            return;
        }
        JsonNode parsed = encryption.mapper().readTree(record.value);
        if (!(parsed instanceof ObjectNode envelope)) {
            output.collect(element);
            return;
        }
        long ts = element.hasTimestamp() ? element.getTimestamp() : Long.MIN_VALUE;
        Set<String> ids = missing.computeIfAbsent(rule.subject(), s -> new LinkedHashSet<>());
        boolean ready = encryption.keysReady(rule, envelope, ids);
        if (ready && waiting.isEmpty()) {
            emit(record, envelope, rule, ts);
            return;
        }
        waiting.add(new Waiting(record, envelope, rule, ts));
        if (waiting.size() >= BATCH) {
            flush();
        }
    }

    /** Creates the waiting subjects' keys in one batch and sends their changes, in order. */
    private void flush() throws Exception {
        if (waiting.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Set<String>> subject : missing.entrySet()) {
            encryption.keys().prepare(subject.getKey(), subject.getValue());
        }
        missing.clear();
        for (Waiting w : waiting) {
            emit(w.record(), w.envelope(), w.rule(), w.ts());
        }
        waiting.clear();
    }

    private void emit(
            StagingRecord record, ObjectNode envelope, StagingEncryption.Rule rule, long ts)
            throws Exception {
        encryption.apply(rule, envelope);
        StagingRecord encrypted =
                new StagingRecord(
                        record.topic, record.key, encryption.mapper().writeValueAsBytes(envelope));
        // what the schema registrar downstream reads of the change
        encrypted.schemaVersion = record.schemaVersion;
        encrypted.schemaColumns = record.schemaColumns;
        encrypted.sourceMillis = record.sourceMillis;
        output.collect(
                ts == Long.MIN_VALUE
                        ? new StreamRecord<>(encrypted)
                        : new StreamRecord<>(encrypted, ts));
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        encryption.keys().refreshShreds();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void close() throws Exception {
        try {
            encryption.close();
        } finally {
            super.close();
        }
    }
}
