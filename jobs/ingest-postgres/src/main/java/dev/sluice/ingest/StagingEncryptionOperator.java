package dev.sluice.ingest;

import dev.sluice.staging.StagingRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Encrypts the classified columns of staged changes ({@link StagingEncryption}) between the CDC
 * source and the Kafka sink, creating data keys in batches.
 *
 * <p>The deserializer writes a change of an encrypted table as any other and marks where its
 * subject ids and classified values lie ({@link StagingRecord#plainSpans}); this operator encrypts
 * those values and splices their tokens in, without parsing or writing the change again.
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
    private transient Map<String, List<String>> columnOrders;
    private transient List<Waiting> waiting;
    private transient Map<String, Set<String>> missing;

    private record Waiting(
            StagingRecord record, StagingEncryption.Rule rule, String[] subjectIds, long ts) {}

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
        columnOrders = new LinkedHashMap<>();
        byTopic.forEach((topic, rule) -> columnOrders.put(topic, rule.columnOrder()));
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
        if (record.plainSpans == null) {
            throw new IllegalStateException(
                    "A change for "
                            + record.topic
                            + " came without the places of its classified values; the ingest"
                            + " deserializer must be given the same staging.encryption.columns.");
        }
        long ts = element.hasTimestamp() ? element.getTimestamp() : Long.MIN_VALUE;
        String[] ids = encryption.subjectIds(record.value, record.plainSpans);
        Set<String> absent = missing.computeIfAbsent(rule.subject(), s -> new LinkedHashSet<>());
        boolean ready = encryption.keysReady(rule, ids, absent);
        if (ready && waiting.isEmpty()) {
            emit(record, rule, ids, ts);
            return;
        }
        waiting.add(new Waiting(record, rule, ids, ts));
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
            emit(w.record(), w.rule(), w.subjectIds(), w.ts());
        }
        waiting.clear();
    }

    private void emit(StagingRecord record, StagingEncryption.Rule rule, String[] ids, long ts) {
        record.value =
                encryption.seal(
                        rule, columnOrders.get(record.topic), record.value, record.plainSpans, ids);
        record.plainSpans = null;
        output.collect(
                ts == Long.MIN_VALUE ? new StreamRecord<>(record) : new StreamRecord<>(record, ts));
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
