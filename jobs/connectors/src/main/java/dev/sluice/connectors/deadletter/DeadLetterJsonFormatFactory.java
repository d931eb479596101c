package dev.sluice.connectors.deadletter;

import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingschemas.SchemaChangeMode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.json.debezium.DebeziumJsonFormatFactory;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.ProjectableDecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.types.DataType;

/**
 * The format {@code sluice-debezium-json}: Flink's {@code debezium-json} (same options, under this
 * prefix) that never stops a pipeline on a poison record. A staging record it cannot decode (not
 * JSON, not a change envelope, a value of the wrong type, an invalid timestamp) or one larger than
 * {@code max-row-bytes} goes to the dead-letter topic with the reason and is skipped; the pipeline
 * keeps running. Flink's own {@code debezium-json.ignore-parse-errors} would skip it silently.
 *
 * <p>With {@code encryption.key-store.url} set it also decrypts crypto-shredded staging columns
 * ({@link StagingDecryptionOptions}): a column whose subject's key was destroyed reads NULL, and a
 * {@code _shredded BOOLEAN} column, when the table declares one, reads true on such rows.
 *
 * <p>It also detects schema changes ({@link SchemaChangeOptions}): a record with a field the table
 * does not declare, without a declared column, or of an unplanned {@code source.schema_version} is
 * handled by {@code schema-changes.mode} (docs/schema-changes.md).
 *
 * <pre>{@code
 * 'format' = 'sluice-debezium-json',
 * 'sluice-debezium-json.timestamp-format.standard' = 'ISO-8601',
 * 'sluice-debezium-json.dead-letter.topic' = 'pipelines.dead-letter',
 * 'sluice-debezium-json.dead-letter.bootstrap-servers' = '${KAFKA_BOOTSTRAP_SERVERS}'
 * }</pre>
 */
public final class DeadLetterJsonFormatFactory implements DeserializationFormatFactory {

    public static final String IDENTIFIER = "sluice-debezium-json";

    private final DebeziumJsonFormatFactory debezium = new DebeziumJsonFormatFactory();

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(DeadLetterOptions.TOPIC, DeadLetterOptions.BOOTSTRAP_SERVERS);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new HashSet<>(debezium.optionalOptions());
        options.addAll(debezium.requiredOptions());
        options.add(DeadLetterOptions.KEY);
        options.add(DeadLetterOptions.KEY_SECRET_ENV);
        options.add(DeadLetterOptions.MAX_ROW_BYTES);
        options.addAll(StagingDecryptionOptions.ALL);
        options.addAll(SchemaChangeOptions.all());
        return options;
    }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        DecodingFormat<DeserializationSchema<RowData>> inner =
                debezium.createDecodingFormat(context, formatOptions);
        String table = context.getObjectIdentifier().asSummaryString();
        DeadLetterSender sender =
                DeadLetterSender.of(
                        formatOptions, table, "The format " + IDENTIFIER + " of " + table);
        List<String> keyColumns =
                context.getCatalogTable()
                        .getResolvedSchema()
                        .getPrimaryKey()
                        .map(key -> key.getColumns())
                        .orElse(List.of());
        String modeText = formatOptions.get(SchemaChangeOptions.MODE);
        SchemaChangeMode mode =
                SchemaChangeMode.parse(modeText)
                        .orElseThrow(
                                () ->
                                        new ValidationException(
                                                "Invalid option "
                                                        + IDENTIFIER
                                                        + "."
                                                        + SchemaChangeOptions.MODE.key()
                                                        + " of "
                                                        + table
                                                        + ": '"
                                                        + modeText
                                                        + "'. Use "
                                                        + SchemaChangeMode.allowed()
                                                        + "."));
        List<String> declared =
                context.getCatalogTable().getResolvedSchema().getColumns().stream()
                        .filter(Column::isPhysical)
                        .map(Column::getName)
                        .toList();
        SchemaChangeDetector detector =
                new SchemaChangeDetector(
                        table,
                        mode,
                        declared,
                        formatOptions.get(SchemaChangeOptions.VERSIONS),
                        formatOptions.get(SchemaChangeOptions.HELD_BACK));
        return new Decoding(
                inner,
                sender,
                detector,
                keyColumns,
                formatOptions.get(DeadLetterOptions.MAX_ROW_BYTES),
                StagingDecryptionOptions.settings(formatOptions));
    }

    private static final class Decoding
            implements ProjectableDecodingFormat<DeserializationSchema<RowData>> {
        private final DecodingFormat<DeserializationSchema<RowData>> inner;
        private final DeadLetterSender sender;
        private final SchemaChangeDetector detector;
        private final List<String> keyColumns;
        private final int maxRowBytes;
        private final KeyStoreSettings decryption;

        Decoding(
                DecodingFormat<DeserializationSchema<RowData>> inner,
                DeadLetterSender sender,
                SchemaChangeDetector detector,
                List<String> keyColumns,
                int maxRowBytes,
                KeyStoreSettings decryption) {
            this.inner = inner;
            this.sender = sender;
            this.detector = detector;
            this.keyColumns = keyColumns;
            this.maxRowBytes = maxRowBytes;
            this.decryption = decryption;
        }

        @Override
        public boolean supportsNestedProjection() {
            return inner instanceof ProjectableDecodingFormat<?> projectable
                    && projectable.supportsNestedProjection();
        }

        @Override
        @SuppressWarnings("unchecked")
        public DeserializationSchema<RowData> createRuntimeDecoder(
                DynamicTableSource.Context context,
                DataType physicalDataType,
                int[][] projections) {
            DeserializationSchema<RowData> decoder =
                    inner instanceof ProjectableDecodingFormat<?> projectable
                            ? ((ProjectableDecodingFormat<DeserializationSchema<RowData>>)
                                            projectable)
                                    .createRuntimeDecoder(context, physicalDataType, projections)
                            : inner.createRuntimeDecoder(context, physicalDataType);
            DeserializationSchema<RowData> guarded =
                    new DeadLetteringDeserializer(
                            decoder, sender, detector, keyColumns, maxRowBytes);
            // decryption outside the dead-letter guard: a key store failure fails the job (and
            // Flink restarts it) instead of sending every record to dead letter
            return decryption == null ? guarded : new DecryptingDeserializer(guarded, decryption);
        }

        @Override
        public Map<String, DataType> listReadableMetadata() {
            return inner.listReadableMetadata();
        }

        @Override
        public void applyReadableMetadata(List<String> metadataKeys) {
            inner.applyReadableMetadata(metadataKeys);
        }

        @Override
        public ChangelogMode getChangelogMode() {
            return inner.getChangelogMode();
        }
    }
}
