package dev.sluice.drift;

import dev.sluice.gate.AuditLog;
import dev.sluice.policy.detect.SensitiveDataDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drift stage in front of one sink: samples the unclassified string columns of every row,
 * reports a class that drifts in (Kafka topic, audit log, job log, metrics) and acts: {@code alert}
 * passes rows on unchanged, {@code quarantine} writes the column as NULL from then on (kept in
 * state across restarts while the policy is the same), {@code stop} fails the job without restarts.
 *
 * <p>Metrics (operator group {@code sluice}): {@code driftEvents}, {@code driftSampledValues},
 * {@code driftQuarantinedColumns}.
 */
final class DriftFunction extends ProcessFunction<Row, Row> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DriftFunction.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final DriftPlan plan;
    private final DriftPlan.Sink sink;
    private final int[] positions;
    private final String[] names;

    private transient Map<String, DriftSampler> samplers;
    private transient SensitiveDataDetector detector;
    private transient KafkaProducer<String, String> producer;
    private transient Set<String> quarantined;
    private transient Set<String> reported;
    private transient ListState<String> state;
    private transient Counter events;
    private transient Counter sampled;

    /** {@code positions[i]} is the field of the row that holds column {@code names[i]}. */
    DriftFunction(DriftPlan plan, DriftPlan.Sink sink, int[] positions, String[] names) {
        this.plan = plan;
        this.sink = sink;
        this.positions = positions.clone();
        this.names = names.clone();
    }

    @Override
    public void open(Configuration parameters) {
        SensitiveDataDetector.Builder b = SensitiveDataDetector.builder();
        b.phoneRegions(plan.phoneRegions());
        detector = b.build();
        samplers = DriftSampler.forColumns(List.of(names), plan.threshold(), plan.sampleEvery());
        for (String key : reported) {
            String[] p = key.split("\\|", 2);
            if (samplers.containsKey(p[0])) {
                samplers.get(p[0]).markReported(p[1]);
            }
        }
        if (plan.bootstrapServers() != null && !plan.bootstrapServers().isBlank()) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, plan.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("sluice");
        events = group.counter("driftEvents");
        sampled = group.counter("driftSampledValues");
        group.gauge("driftQuarantinedColumns", () -> quarantined.size());
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<Row> out) {
        for (int i = 0; i < positions.length; i++) {
            String column = names[i];
            if (quarantined.contains(column)) {
                row.setField(positions[i], null);
                continue;
            }
            Object value = row.getField(positions[i]);
            if (!(value instanceof String text)) {
                continue;
            }
            DriftSampler sampler = samplers.get(column);
            long before = sampler.sampled();
            List<DriftSampler.Drift> drifts = sampler.observe(text, detector, Instant.now());
            sampled.inc(sampler.sampled() - before);
            for (DriftSampler.Drift d : drifts) {
                report(column, d);
                reported.add(column + "|" + d.className());
                switch (plan.action()) {
                    case "quarantine" -> {
                        quarantined.add(column);
                        row.setField(positions[i], null);
                    }
                    case "stop" ->
                            throw new SuppressRestartsException(
                                    new IllegalStateException(
                                            "PII drift: "
                                                    + d.className()
                                                    + " in "
                                                    + sink.dataset()
                                                    + "."
                                                    + column
                                                    + " ("
                                                    + Math.round(d.share() * 1000) / 10.0
                                                    + "% of sampled values); the policy's drift"
                                                    + " action is stop. Classify the column in the"
                                                    + " policy (and mask it), or change drift.action,"
                                                    + " then start the pipeline again."));
                    default -> {}
                }
            }
        }
        out.collect(row);
    }

    private void report(String column, DriftSampler.Drift d) {
        DriftEvent event =
                new DriftEvent(
                        plan.pipeline(),
                        sink.table(),
                        sink.dataset(),
                        column,
                        d.className(),
                        d.share(),
                        d.hits(),
                        d.windowSize(),
                        d.firstSeen(),
                        Instant.now(),
                        plan.action(),
                        plan.policyHash());
        events.inc();
        LOG.warn("PII drift detected: {}", event);
        if (producer != null) {
            try {
                producer.send(
                                new ProducerRecord<>(
                                        plan.topic(),
                                        sink.dataset() + "." + column,
                                        event.toString()))
                        .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.error(
                        "Could not write the drift event to topic {}: {}",
                        plan.topic(),
                        e.getMessage());
            }
        }
        if (plan.auditLog() != null) {
            try {
                new AuditLog(Path.of(plan.auditLog()), null).appendRecord(event.toJson());
            } catch (RuntimeException e) {
                LOG.error("Could not append the drift event to the audit log: {}", e.getMessage());
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> entries = new ArrayList<>();
        quarantined.forEach(c -> entries.add("q|" + plan.policyHash() + "|" + c));
        reported.forEach(r -> entries.add("r|" + plan.policyHash() + "|" + r));
        state.update(entries);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("drift", Types.STRING));
        quarantined = new LinkedHashSet<>();
        reported = new LinkedHashSet<>();
        for (String entry : state.get()) {
            String[] p = entry.split("\\|", 3);
            if (p.length < 3 || !p[1].equals(plan.policyHash())) {
                continue; // the policy changed: quarantine lifts, drift is looked for anew
            }
            (p[0].equals("q") ? quarantined : reported).add(p[2]);
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
