package dev.sluice.pipeline;

import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.FlinkErrors;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.SqlFileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.SinkModifyOperation;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.FlinkCatalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * Checks, before a pipeline's job starts, that every Iceberg table it writes can take data: the
 * catalog answered already (creating the catalog and planning the INSERTs against it), so this
 * writes and deletes one small object next to each sink table's data with the table's own FileIO
 * and credentials. A wrong key, an unknown bucket or an unreachable object store fails here, named
 * with the endpoint and the fix, instead of in the first checkpoint of a running job.
 */
public final class WarehousePreflight {

    private static final String PROBE_PREFIX = ".sluice-preflight-";

    private WarehousePreflight() {}

    /**
     * @throws SqlFileException at the INSERT whose table cannot be written, with a message free of
     *     secrets
     */
    public static void check(TableEnvironment tEnv, Pipeline pipeline) {
        for (BoundStatement insert : pipeline.inserts()) {
            Optional<ObjectIdentifier> sink = sinkOf(tEnv, insert);
            if (sink.isEmpty()) {
                continue;
            }
            ObjectIdentifier identifier = sink.get();
            Optional<Catalog> catalog = tEnv.getCatalog(identifier.getCatalogName());
            if (catalog.isEmpty() || !(catalog.get() instanceof FlinkCatalog iceberg)) {
                continue;
            }
            Table table;
            try {
                table =
                        iceberg.catalog()
                                .loadTable(
                                        TableIdentifier.of(
                                                identifier.getDatabaseName(),
                                                identifier.getObjectName()));
            } catch (RuntimeException e) {
                throw FlinkErrors.at(insert, e, pipeline.variables());
            }
            String problem = probe(table);
            if (problem != null) {
                throw new SqlFileException(
                        insert.location(),
                        pipeline.variables().redact(insert.excerpt(insert.location())),
                        pipeline.variables()
                                .redact(
                                        "Cannot write to Iceberg table "
                                                + identifier.asSummaryString()
                                                + " at "
                                                + table.location()
                                                + endpoint(table.io())
                                                + ": "
                                                + problem),
                        null);
            }
        }
    }

    private static Optional<ObjectIdentifier> sinkOf(TableEnvironment tEnv, BoundStatement insert) {
        if (!(tEnv instanceof TableEnvironmentInternal internal)) {
            return Optional.empty();
        }
        List<Operation> operations = internal.getParser().parse(insert.sql());
        for (Operation operation : operations) {
            if (operation instanceof SinkModifyOperation sinkModify) {
                return Optional.of(sinkModify.getContextResolvedTable().getIdentifier());
            }
        }
        return Optional.empty();
    }

    /** Writes and deletes a probe object; the problem and its fix, or null when it worked. */
    private static String probe(Table table) {
        FileIO io = table.io();
        String location =
                table.locationProvider().newDataLocation(PROBE_PREFIX + UUID.randomUUID());
        try {
            OutputFile file = io.newOutputFile(location);
            try (PositionOutputStream out = file.createOrOverwrite()) {
                out.write(new byte[] {'s', 'l', 'u', 'i', 'c', 'e'});
            }
            io.deleteFile(location);
            return null;
        } catch (IOException | RuntimeException e) {
            return explain(e, location);
        }
    }

    private static String explain(Throwable error, String location) {
        List<String> chain = new ArrayList<>();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            chain.add(cause.getClass().getSimpleName() + " " + cause.getMessage());
        }
        String all = String.join(" | ", chain);
        String bucket = bucketOf(location);
        if (all.contains("NoSuchBucket") || all.contains("bucket does not exist")) {
            return "bucket '"
                    + bucket
                    + "' does not exist. Create it, or point the warehouse at an existing"
                    + " bucket (ICEBERG_WAREHOUSE in sql/catalog/20_warehouse.sql; with a REST"
                    + " catalog the catalog decides where tables live).";
        }
        if (all.contains("SignatureDoesNotMatch")
                || all.contains("InvalidAccessKeyId")
                || all.contains("signature we calculated does not match")
                || all.contains("Access Key Id you provided does not exist")) {
            return "the object store refused the credentials (wrong access key or secret key)."
                    + " Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or, when both are empty,"
                    + " the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the environment).";
        }
        if (all.contains("Status Code: 403") || all.contains("AccessDenied")) {
            // stores answer a wrong key with 403 AccessDenied too (s3proxy does), not only a
            // missing permission
            return "the object store refused to let these credentials write to bucket '"
                    + bucket
                    + "' (403 Access Denied): the access key or secret key is wrong, or the keys"
                    + " lack s3:PutObject and s3:DeleteObject on it. Check S3_ACCESS_KEY_ID and"
                    + " S3_SECRET_ACCESS_KEY (or, when both are empty, the AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY of the environment) and the bucket's policy.";
        }
        if (all.contains("ConnectException")
                || all.contains("Unable to execute HTTP request")
                || all.contains("UnknownHostException")) {
            return "the object store cannot be reached. Check S3_ENDPOINT (the endpoint above)"
                    + " and that this machine reaches it.";
        }
        return "writing a test object failed ("
                + firstLine(chain.get(chain.size() - 1))
                + "). Check the warehouse's object store settings (S3_* variables).";
    }

    private static String endpoint(FileIO io) {
        try {
            Map<String, String> properties = io.properties();
            String endpoint = properties.get("s3.endpoint");
            return endpoint == null ? "" : " (object store " + endpoint + ")";
        } catch (UnsupportedOperationException e) {
            return "";
        }
    }

    private static String bucketOf(String location) {
        int scheme = location.indexOf("://");
        if (scheme < 0) {
            return location;
        }
        int slash = location.indexOf('/', scheme + 3);
        return slash < 0 ? location.substring(scheme + 3) : location.substring(scheme + 3, slash);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
