package dev.sluice.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gate.AuditLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift stage as an operator: quarantine nulls the column from the detection on and keeps it
 * across a restore while the policy is the same (and lifts it when it changes); stop fails without
 * restarts; the audit log gets one record per drifted class, without the value.
 */
class DriftFunctionTest {
    private static final String SINK = "default_catalog.default_database.out";

    @TempDir Path dir;

    private DriftPlan plan(String action, String policyHash) {
        return new DriftPlan(
                "p",
                action,
                0.01,
                1,
                List.of(),
                policyHash,
                Map.of(SINK, new DriftPlan.Sink(SINK, "shop.out", List.of("notes"))),
                null,
                DriftPlan.DEFAULT_TOPIC,
                dir.resolve("audit.jsonl").toString());
    }

    private static OneInputStreamOperatorTestHarness<Row, Row> harness(DriftPlan plan)
            throws Exception {
        DriftPlan.Sink sink = plan.sinks().get(SINK);
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(
                        new DriftFunction(plan, sink, new int[] {1}, new String[] {"notes"})));
    }

    private static Row row(long id, boolean email) {
        return Row.of(id, email ? "write to x" + id + "@mail.example please" : "all good " + id);
    }

    private static List<Row> output(OneInputStreamOperatorTestHarness<Row, Row> h) {
        return h.extractOutputValues();
    }

    @Test
    void quarantineNullsTheColumnFromTheDetectionAndSurvivesARestoreUnderTheSamePolicy()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<Row, Row> h =
                harness(plan("quarantine", "hash-1"))) {
            h.open();
            for (long i = 0; i < 50; i++) {
                h.processElement(new StreamRecord<>(row(i, false)));
            }
            for (long i = 50; i < 60; i++) {
                h.processElement(new StreamRecord<>(row(i, true)));
            }
            List<Row> out = output(h);
            assertThat(out).hasSize(60);
            assertThat(out.subList(0, 50)).allSatisfy(r -> assertThat(r.getField(1)).isNotNull());
            // the first e-mail passes (one hit is not drift); the second is detected and nulled
            assertThat(out.get(50).getField(1).toString()).contains("@");
            assertThat(out.subList(51, 60)).allSatisfy(r -> assertThat(r.getField(1)).isNull());
            assertThat(out).allSatisfy(r -> assertThat(r.getField(0)).isNotNull());
            snapshot = h.snapshot(1, 1);
        }
        var audited = new AuditLog(dir.resolve("audit.jsonl"), null).read();
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0).path("class").asText()).isEqualTo("PII.EMAIL");
        assertThat(audited.get(0).toString()).doesNotContain("@");

        try (OneInputStreamOperatorTestHarness<Row, Row> same =
                harness(plan("quarantine", "hash-1"))) {
            same.initializeState(snapshot);
            same.open();
            same.processElement(new StreamRecord<>(row(100, false)));
            assertThat(output(same).get(0).getField(1)).isNull();
        }
        try (OneInputStreamOperatorTestHarness<Row, Row> changed =
                harness(plan("quarantine", "hash-2"))) {
            changed.initializeState(snapshot);
            changed.open();
            changed.processElement(new StreamRecord<>(row(100, false)));
            assertThat(output(changed).get(0).getField(1)).isEqualTo("all good 100");
        }
        assertThat(new AuditLog(dir.resolve("audit.jsonl"), null).read()).hasSize(1);
    }

    @Test
    void alertPassesRowsOnAndReportsOnce() throws Exception {
        try (OneInputStreamOperatorTestHarness<Row, Row> h = harness(plan("alert", "h"))) {
            h.open();
            for (long i = 0; i < 100; i++) {
                h.processElement(new StreamRecord<>(row(i, true)));
            }
            assertThat(output(h)).allSatisfy(r -> assertThat(r.getField(1)).isNotNull());
        }
        assertThat(new AuditLog(dir.resolve("audit.jsonl"), null).read()).hasSize(1);
    }

    @Test
    void stopFailsTheJobWithoutRestarts() throws Exception {
        try (OneInputStreamOperatorTestHarness<Row, Row> h = harness(plan("stop", "h"))) {
            h.open();
            h.processElement(new StreamRecord<>(row(1, true)));
            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(row(2, true))))
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessageContaining("PII.EMAIL in shop.out.notes")
                    .hasMessageContaining("Classify the column");
        }
    }
}
