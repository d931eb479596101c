package dev.sluice.connectors.deadletter;

import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The schema-change options of {@code sluice-debezium-json} ({@code schema-changes.*}). Sluice's
 * planner sets them on each staging table from the modes of the sinks that read it and the staging
 * schema registry; a table defined by hand may set them too.
 */
public final class SchemaChangeOptions {

    public static final ConfigOption<String> MODE =
            ConfigOptions.key("schema-changes.mode")
                    .stringType()
                    .defaultValue("ignore")
                    .withDescription(
                            "ignore, evolve or fail: what a record whose columns differ from the"
                                    + " table's does (docs/schema-changes.md).");

    public static final ConfigOption<List<String>> VERSIONS =
            ConfigOptions.key("schema-changes.versions")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "The source.schema_version values the table's columns were planned"
                                    + " for; records of these versions are not checked again.");

    public static final ConfigOption<List<String>> HELD_BACK =
            ConfigOptions.key("schema-changes.held-back")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Source columns known and deliberately not declared (held back by the"
                                    + " policy review): their presence is no schema change.");

    static Set<ConfigOption<?>> all() {
        return Set.of(MODE, VERSIONS, HELD_BACK);
    }

    private SchemaChangeOptions() {}
}
