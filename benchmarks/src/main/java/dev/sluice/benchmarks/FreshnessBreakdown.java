package dev.sluice.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the freshness of one end-to-end step goes, hop by hop, for a staging topic and the Iceberg
 * table its pipeline writes:
 *
 * <ol>
 *   <li><b>source commit → produced to staging</b>: a staged change's {@code source.ts_ms} (the
 *       PostgreSQL commit time) to its Kafka record timestamp (the ingest job's producer);
 *   <li><b>produced → visible in staging</b>: to the first sample of the topic's last stable offset
 *       past the record, i.e. when a {@code read_committed} consumer (the pipeline) can see it: the
 *       ingest checkpoint and its Kafka transaction commit;
 *   <li><b>oldest row of a commit → pipeline checkpoint trigger</b>: from the source time of the
 *       oldest row an Iceberg commit holds to the trigger of the checkpoint that committed it (hops
 *       1–2 plus waiting for the pipeline's next checkpoint);
 *   <li><b>checkpoint trigger → last acknowledgement</b>: the pipeline's checkpoint itself (the
 *       Iceberg writers close their files);
 *   <li><b>last acknowledgement → Iceberg commit</b>: the checkpoint's completion and the
 *       committer's commit (the snapshot's timestamp).
 * </ol>
 *
 * The topic's last stable offsets are sampled every {@link #SAMPLE_EVERY} on a thread of its own
 * while the step runs (one offsets request each: cheap beside the step); records are read after the
 * step, every n-th of them (at most {@link #MAX_RECORDS}). Checkpoint times come from the Flink
 * REST API (the cluster keeps {@link #CHECKPOINT_HISTORY} checkpoints), matched to Iceberg
 * snapshots by their {@code flink.max-committed-checkpoint-id}.
 */
final class FreshnessBreakdown implements AutoCloseable {

    static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
    static final int CHECKPOINT_HISTORY = 1_000;
    private static final int MAX_RECORDS = 100_000;
    private static final String CHECKPOINT_ID = "flink.max-committed-checkpoint-id";

    /** p50 and p99 of one hop, in milliseconds, and how many values they are over. */
    record Percentiles(long p50, long p99, int count) {
        static Percentiles of(List<Long> values) {
            List<Long> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            return new Percentiles(
                    percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.size());
        }

        @Override
        public String toString() {
            return count == 0 ? "n/a" : String.format(Locale.ROOT, "%,d / %,d", p50, p99);
        }
    }

    /** The hops of one step. */
    record Hops(
            Percentiles sourceToVisible,
            Percentiles ingestCheckpoint,
            Percentiles oldestToTrigger,
            Percentiles triggerToAck,
            Percentiles ackToCommit) {}

    /** One Iceberg commit: its time, its oldest row's source time, and its checkpoint. */
    record Commit(long commitMillis, long oldestSourceMillis, long checkpointId) {
        long freshnessMillis() {
            return Math.max(0, commitMillis - oldestSourceMillis);
        }
    }

    private final String bootstrapServers;
    private final String topic;
    private final URI flinkRest;
    private final String pipelineJobId;
    private final String ingestJobId;
    private final long startMillis = System.currentTimeMillis();
    private final KafkaConsumer<byte[], byte[]> offsets;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
    private final Thread sampler;
    private volatile boolean sampling = true;
    private long[] startOffsets;

    /** Starts sampling {@code topic}'s last stable offsets. */
    FreshnessBreakdown(
            String bootstrapServers,
            String topic,
            URI flinkRest,
            String ingestJobId,
            String pipelineJobId) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.flinkRest = flinkRest;
        this.ingestJobId = ingestJobId;
        this.pipelineJobId = pipelineJobId;
        this.offsets = consumer(bootstrapServers);
        offsets.partitionsFor(topic)
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        startOffsets = lastStableOffsets();
        sampler = new Thread(this::sample, "freshness-offsets-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (sampling) {
            long[] lso = lastStableOffsets();
            long[] sample = new long[lso.length + 1];
            sample[0] = System.currentTimeMillis();
            System.arraycopy(lso, 0, sample, 1, lso.length);
            samples.add(sample);
            try {
                TimeUnit.MILLISECONDS.sleep(SAMPLE_EVERY.toMillis()); // a sampling period
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private long[] lastStableOffsets() {
        Map<TopicPartition, Long> end = offsets.endOffsets(partitions);
        long[] result = new long[partitions.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = end.get(partitions.get(i));
        }
        return result;
    }

    /**
     * Stops sampling and measures the hops of the step: the records staged since construction, and
     * the commits of {@code table} after {@code afterSnapshot}.
     */
    Hops finish(List<Commit> commits) throws Exception {
        stopSampling();
        long[] endOffsets = lastStableOffsets();
        List<Long> sourceToVisible = new ArrayList<>();
        readStaged(endOffsets, sourceToVisible);
        List<Long> ingestCheckpoints = new ArrayList<>();
        for (long[] checkpoint : checkpoints(ingestJobId).values()) {
            if (checkpoint[0] >= startMillis) {
                ingestCheckpoints.add(checkpoint[1] - checkpoint[0]);
            }
        }
        Map<Long, long[]> checkpoints = checkpoints(pipelineJobId);
        List<Long> oldestToTrigger = new ArrayList<>();
        List<Long> triggerToAck = new ArrayList<>();
        List<Long> ackToCommit = new ArrayList<>();
        for (Commit commit : commits) {
            long[] checkpoint = checkpoints.get(commit.checkpointId());
            if (checkpoint == null) {
                continue;
            }
            oldestToTrigger.add(Math.max(0, checkpoint[0] - commit.oldestSourceMillis()));
            triggerToAck.add(Math.max(0, checkpoint[1] - checkpoint[0]));
            ackToCommit.add(Math.max(0, commit.commitMillis() - checkpoint[1]));
        }
        return new Hops(
                Percentiles.of(sourceToVisible),
                Percentiles.of(ingestCheckpoints),
                Percentiles.of(oldestToTrigger),
                Percentiles.of(triggerToAck),
                Percentiles.of(ackToCommit));
    }

    private void stopSampling() throws InterruptedException {
        sampling = false;
        sampler.join(10_000);
    }

    /** Reads every n-th record staged in the step and times its way into staging. */
    private void readStaged(long[] endOffsets, List<Long> sourceToVisible) {
        long staged = 0;
        for (int i = 0; i < endOffsets.length; i++) {
            staged += endOffsets[i] - startOffsets[i];
        }
        long every = Math.max(1, staged / MAX_RECORDS);
        List<long[]> timeline = List.copyOf(samples);
        JsonFactory json = new JsonFactory();
        try (KafkaConsumer<byte[], byte[]> records = consumer(bootstrapServers)) {
            records.assign(partitions);
            for (int i = 0; i < partitions.size(); i++) {
                records.seek(partitions.get(i), startOffsets[i]);
            }
            long seen = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!reached(records, endOffsets) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : records.poll(Duration.ofSeconds(1))) {
                    int partition =
                            partitions.indexOf(new TopicPartition(topic, record.partition()));
                    if (record.offset() >= endOffsets[partition] || seen++ % every != 0) {
                        continue;
                    }
                    long source = sourceMillis(json, record.value());
                    long visible = visibleAt(timeline, partition, record.offset());
                    if (source > 0 && visible > 0) {
                        sourceToVisible.add(Math.max(0, visible - source));
                    }
                }
            }
        }
    }

    private boolean reached(KafkaConsumer<byte[], byte[]> consumer, long[] endOffsets) {
        for (int i = 0; i < partitions.size(); i++) {
            if (consumer.position(partitions.get(i)) < endOffsets[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first sample whose last stable offset is past {@code offset}, or 0. */
    private static long visibleAt(List<long[]> timeline, int partition, long offset) {
        int low = 0;
        int high = timeline.size() - 1;
        long found = 0;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long[] sample = timeline.get(middle);
            if (sample[partition + 1] > offset) {
                found = sample[0];
                high = middle - 1;
            } else {
                low = middle + 1;
            }
        }
        return found;
    }

    /** {@code source.ts_ms} of a staged change, or 0 when it has none. */
    private static long sourceMillis(JsonFactory json, byte[] value) {
        if (value == null) {
            return 0;
        }
        try (JsonParser parser = json.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (name.equals("source") && token == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken fieldValue = parser.nextToken();
                        if (field.equals("ts_ms") && fieldValue.isNumeric()) {
                            return parser.getLongValue();
                        }
                        parser.skipChildren();
                    }
                    return 0;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return 0; // not a change event (e.g. a schema announcement)
        }
        return 0;
    }

    /** Trigger and last-acknowledgement times of a job's completed checkpoints, by id. */
    private Map<Long, long[]> checkpoints(String jobId) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                flinkRest.resolve(
                                                        "/jobs/" + jobId + "/checkpoints"))
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "Flink REST /jobs/" + jobId + "/checkpoints answered " + response.statusCode());
        }
        Map<Long, long[]> result = new HashMap<>();
        for (JsonNode checkpoint : new ObjectMapper().readTree(response.body()).path("history")) {
            if ("COMPLETED".equals(checkpoint.path("status").asText())) {
                result.put(
                        checkpoint.path("id").asLong(),
                        new long[] {
                            checkpoint.path("trigger_timestamp").asLong(),
                            checkpoint.path("latest_ack_timestamp").asLong()
                        });
            }
        }
        return result;
    }

    /**
     * The commits of {@code table} after {@code afterSnapshot}, oldest first: each one's commit
     * time, the oldest source change time ({@code updated_at}, set by every insert and update of
     * the workload) in the data files it added, read from the column bounds Iceberg keeps per file,
     * and the Flink checkpoint that committed it (-1 when the summary has none).
     */
    static List<Commit> commits(Table table, long afterSnapshot) {
        List<Snapshot> fresh = new ArrayList<>();
        for (Snapshot snapshot = table.currentSnapshot();
                snapshot != null && snapshot.snapshotId() != afterSnapshot;
                snapshot =
                        snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
            fresh.add(snapshot);
        }
        Collections.reverse(fresh);
        Types.NestedField column = table.schema().findField("updated_at");
        List<Commit> commits = new ArrayList<>();
        for (Snapshot snapshot : fresh) {
            long oldestMicros = Long.MAX_VALUE;
            for (DataFile file : snapshot.addedDataFiles(table.io())) {
                ByteBuffer lower =
                        file.lowerBounds() == null
                                ? null
                                : file.lowerBounds().get(column.fieldId());
                if (lower != null) {
                    oldestMicros =
                            Math.min(
                                    oldestMicros,
                                    (Long) Conversions.fromByteBuffer(column.type(), lower));
                }
            }
            if (oldestMicros != Long.MAX_VALUE) {
                String checkpoint =
                        snapshot.summary() == null ? null : snapshot.summary().get(CHECKPOINT_ID);
                commits.add(
                        new Commit(
                                snapshot.timestampMillis(),
                                oldestMicros / 1000,
                                checkpoint == null ? -1 : Long.parseLong(checkpoint)));
            }
        }
        return commits;
    }

    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        return new KafkaConsumer<>(
                properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() throws InterruptedException {
        stopSampling();
        offsets.close();
    }
}
