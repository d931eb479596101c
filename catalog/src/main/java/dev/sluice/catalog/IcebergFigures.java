package dev.sluice.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;

/**
 * Row counts and freshness of the Iceberg tables of a live Hadoop warehouse (the embedded stack's
 * folder): the current snapshot's {@code total-records} and commit time, read from table metadata
 * only. A table the warehouse does not hold (yet) gets no figures.
 */
final class IcebergFigures {
    private static final Pattern TABLE = Pattern.compile("table=([^,}]+)");

    private IcebergFigures() {}

    static void add(Path warehouse, Iterable<JsonNode> datasets) {
        HadoopTables tables = new HadoopTables(new Configuration());
        for (JsonNode d : datasets) {
            if (!d.path("kind").asText().equals("iceberg")) {
                continue;
            }
            Matcher m = TABLE.matcher(d.path("identity").asText());
            if (!m.find()) {
                continue;
            }
            Path location = warehouse;
            for (String part : m.group(1).trim().split("\\.")) {
                location = location.resolve(part);
            }
            if (!Files.isDirectory(location.resolve("metadata"))) {
                continue;
            }
            try {
                Table table = tables.load(location.toUri().toString());
                Snapshot current = table.currentSnapshot();
                ObjectNode live = ((ObjectNode) d).putObject("live");
                if (current == null) {
                    live.put("rows", 0);
                    continue;
                }
                String records = current.summary().get("total-records");
                live.put("rows", records == null ? 0 : Long.parseLong(records));
                live.put("lastCommit", Instant.ofEpochMilli(current.timestampMillis()).toString());
                live.put("snapshots", table.history().size());
            } catch (RuntimeException e) {
                ((ObjectNode) d).putObject("live").put("error", e.getMessage());
            }
        }
    }
}
