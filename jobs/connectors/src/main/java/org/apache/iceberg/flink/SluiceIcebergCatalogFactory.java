package org.apache.iceberg.flink;

import dev.sluice.warehouselock.FolderCommitLock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The catalog type {@code sluice-iceberg}: Iceberg's Flink catalog (same options as {@code 'type' =
 * 'iceberg'}) without its secret leak. Iceberg 1.10's {@code FlinkCatalog.getTable} adds to every
 * table an option {@code src-catalog}, a JSON copy of the catalog's properties — a REST catalog's
 * {@code token} or {@code credential}, S3 keys — and Flink 1.20 prints table options in {@code SHOW
 * CREATE TABLE} (FLINK-38266). This catalog replaces the values of secret-looking keys in that copy
 * with {@code ****}; tables still load through the catalog itself, not that option.
 *
 * <p>In Iceberg's package for its package-private catalog loader; remove it when Iceberg stops
 * copying catalog properties into table options.
 */
public final class SluiceIcebergCatalogFactory implements CatalogFactory {

    public static final String IDENTIFIER = "sluice-iceberg";
    static final String REDACTED = "****";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public Catalog createCatalog(Context context) {
        Map<String, String> properties = new HashMap<>(context.getOptions());
        if ("hadoop".equalsIgnoreCase(properties.get(FlinkCatalogFactory.ICEBERG_CATALOG_TYPE))) {
            // a pipeline commits while forget, maintain or another pipeline may: see the lock
            properties = FolderCommitLock.withLock(properties);
        }
        String name = context.getName();
        CatalogLoader loader =
                FlinkCatalogFactory.createCatalogLoader(
                        name, properties, FlinkCatalogFactory.clusterHadoopConf());
        String defaultDatabase =
                properties.getOrDefault(FlinkCatalogFactory.DEFAULT_DATABASE, "default");
        Namespace baseNamespace =
                properties.containsKey(FlinkCatalogFactory.BASE_NAMESPACE)
                        ? Namespace.of(
                                properties.get(FlinkCatalogFactory.BASE_NAMESPACE).split("\\."))
                        : Namespace.empty();
        boolean cacheEnabled = PropertyUtil.propertyAsBoolean(properties, "cache-enabled", true);
        long cacheExpiration =
                PropertyUtil.propertyAsLong(properties, "cache.expiration-interval-ms", -1L);
        if (cacheExpiration == 0) {
            throw new IllegalArgumentException(
                    "cache.expiration-interval-ms is not allowed to be 0.");
        }
        return new RedactingCatalog(
                name,
                defaultDatabase,
                baseNamespace,
                loader,
                properties,
                cacheEnabled,
                cacheExpiration);
    }

    /** True for a property key whose value is a secret. */
    static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("token")
                || k.contains("credential")
                || k.contains("secret")
                || k.contains("password")
                || k.contains("access-key")
                || k.contains("session")
                || k.endsWith(".key")
                || k.endsWith("-key");
    }

    /** Replaces the values of secret keys anywhere in the JSON text; unparsable text goes. */
    static String redactJson(String json) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode tree = mapper.readTree(json);
            redact(tree);
            return mapper.writeValueAsString(tree);
        } catch (Exception e) {
            return REDACTED;
        }
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (secret(field.getKey()) && field.getValue().isValueNode()) {
                    field.setValue(object.textNode(REDACTED));
                } else {
                    redact(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(SluiceIcebergCatalogFactory::redact);
        }
    }

    /** Iceberg's Flink catalog whose tables carry no catalog secret in their options. */
    static final class RedactingCatalog extends FlinkCatalog {

        RedactingCatalog(
                String name,
                String defaultDatabase,
                Namespace baseNamespace,
                CatalogLoader loader,
                Map<String, String> properties,
                boolean cacheEnabled,
                long cacheExpiration) {
            super(
                    name,
                    defaultDatabase,
                    baseNamespace,
                    loader,
                    properties,
                    cacheEnabled,
                    cacheExpiration);
        }

        @Override
        public CatalogTable getTable(ObjectPath tablePath) throws TableNotExistException {
            CatalogTable table = super.getTable(tablePath);
            Map<String, String> options = new HashMap<>(table.getOptions());
            boolean changed = false;
            for (Map.Entry<String, String> option : options.entrySet()) {
                if (option.getKey().equals("src-catalog")) {
                    option.setValue(redactJson(option.getValue()));
                    changed = true;
                }
            }
            return changed ? table.copy(options) : table;
        }
    }
}
