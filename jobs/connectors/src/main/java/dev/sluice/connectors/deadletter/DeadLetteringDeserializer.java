package dev.sluice.connectors.deadletter;

import dev.sluice.classloader.LibraryThreadsAndDriversRelease;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Decodes with the wrapped format; a record it cannot decode, or one too large, is reported to the
 * dead-letter topic and skipped. The reason never quotes the record: Flink's and Jackson's messages
 * do (a snippet of the value), so only exception types and the parser position are kept.
 */
final class DeadLetteringDeserializer implements DeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<RowData> inner;
    private final DeadLetterSender sender;
    private final SchemaChangeDetector detector;
    private final List<String> keyColumns;
    private final int maxRowBytes;
    private transient ObjectMapper mapper;

    DeadLetteringDeserializer(
            DeserializationSchema<RowData> inner,
            DeadLetterSender sender,
            SchemaChangeDetector detector,
            List<String> keyColumns,
            int maxRowBytes) {
        this.inner = inner;
        this.sender = sender;
        this.detector = detector;
        this.keyColumns = keyColumns;
        this.maxRowBytes = maxRowBytes;
    }

    @Override
    public void open(InitializationContext context) throws Exception {
        // every pipeline reads staging through this format: release its libraries with the job
        LibraryThreadsAndDriversRelease.registerFor(context.getUserCodeClassLoader());
        inner.open(context);
        if (detector != null) {
            detector.open(context.getMetricGroup());
        }
    }

    @Override
    public RowData deserialize(byte[] message) throws IOException {
        throw new UnsupportedOperationException(
                "sluice-debezium-json produces changelogs: use deserialize(byte[], Collector)");
    }

    @Override
    public void deserialize(byte[] message, Collector<RowData> out) throws IOException {
        if (message == null) {
            return; // a tombstone: no change
        }
        if (message.length > maxRowBytes) {
            report(
                    "oversized: the staging record has "
                            + message.length
                            + " bytes, more than max-row-bytes ("
                            + maxRowBytes
                            + ")",
                    message);
            return;
        }
        if (detector != null) {
            // outside the dead-letter guard: a schema change is no poison record
            detector.check(message);
        }
        List<RowData> rows = new java.util.ArrayList<>(2);
        try {
            inner.deserialize(
                    message,
                    new Collector<>() {
                        @Override
                        public void collect(RowData row) {
                            rows.add(row);
                        }

                        @Override
                        public void close() {}
                    });
        } catch (IOException | RuntimeException e) {
            report("undecodable: " + describe(e), message);
            return;
        }
        // only whole changes go on: an update whose after-image failed is not half-applied
        rows.forEach(out::collect);
    }

    private void report(String reason, byte[] message) throws IOException {
        try {
            sender.send("decode", reason, key(message), message.length);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(
                    "Could not write to the dead-letter topic ("
                            + sender
                            + "): "
                            + e.getClass().getName(),
                    e);
        }
    }

    /** The primary key columns, if the record is JSON and holds them; never other columns. */
    private Map<String, Object> key(byte[] message) {
        Map<String, Object> key = new LinkedHashMap<>();
        if (keyColumns.isEmpty() || message.length > maxRowBytes) {
            return key;
        }
        try {
            if (mapper == null) {
                mapper = new ObjectMapper();
            }
            JsonNode change = mapper.readTree(message);
            JsonNode row =
                    change.path("after").isObject() ? change.get("after") : change.path("before");
            for (String column : keyColumns) {
                JsonNode value = row.get(column);
                if (value != null && !value.isNull() && value.isValueNode()) {
                    key.put(column, value.asText());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: no key to show
        }
        return key;
    }

    /** Exception types and parser positions only: messages quote the record. */
    static String describe(Throwable error) {
        StringBuilder reason = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (reason.length() > 0) {
                reason.append(" <- ");
            }
            reason.append(cause.getClass().getSimpleName());
            if (cause instanceof JsonProcessingException json && json.getLocation() != null) {
                reason.append(" at line ")
                        .append(json.getLocation().getLineNr())
                        .append(" column ")
                        .append(json.getLocation().getColumnNr());
            }
            if (cause instanceof java.time.DateTimeException) {
                reason.append(" (a date or timestamp out of range or malformed)");
            }
            if (cause == cause.getCause()) {
                break;
            }
        }
        return reason.toString();
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return inner.isEndOfStream(nextElement);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return inner.getProducedType();
    }
}
