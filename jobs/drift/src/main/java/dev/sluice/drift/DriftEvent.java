package dev.sluice.drift;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A column that started carrying a sensitive class: where (pipeline, sink dataset, column), which
 * class, its share of the sampled values, when it was first seen and detected, and the action
 * taken. Never the value.
 */
public record DriftEvent(
        String pipeline,
        String sinkTable,
        String dataset,
        String column,
        String className,
        double share,
        int hits,
        int sampled,
        Instant firstSeen,
        Instant detectedAt,
        String action,
        String policyHash) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record for the Kafka topic and the audit log ({@code kind: drift}). */
    public ObjectNode toJson() {
        ObjectNode r = JSON.createObjectNode();
        r.put("kind", "drift");
        r.put("time", detectedAt.toString());
        r.put("firstSeen", firstSeen.toString());
        r.put("pipeline", pipeline);
        r.put("sinkTable", sinkTable);
        r.put("dataset", dataset);
        r.put("column", column);
        r.put("class", className);
        r.put("share", share);
        r.put("hits", hits);
        r.put("sampled", sampled);
        r.put("action", action);
        r.put("policyHash", policyHash);
        return r;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
