package dev.sluice.lifecycle;

import dev.sluice.warehouselock.FolderCommitLock;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;

/**
 * The Iceberg catalog maintenance works on, from Iceberg catalog properties ({@code type} hadoop,
 * rest or jdbc, {@code warehouse}, {@code uri}, ...; the same properties as {@code
 * IcebergCatalogSettings} of the embedded stack). The properties may hold secrets: never log them.
 */
public final class WarehouseCatalog implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String JDBC_CATALOG = "org.apache.iceberg.jdbc.JdbcCatalog";

    private final String name;
    private final Map<String, String> properties;

    public WarehouseCatalog(String name, Map<String, String> properties) {
        this.name = name;
        this.properties = new LinkedHashMap<>(properties);
        String type = properties.get("type");
        if (type == null
                || !(type.equals("hadoop") || type.equals("rest") || type.equals("jdbc"))) {
            throw new IllegalArgumentException(
                    "Invalid Iceberg catalog type: '"
                            + type
                            + "'. Set the catalog property type to hadoop, rest or jdbc, e.g."
                            + " type=hadoop,warehouse=file:/data/warehouse.");
        }
    }

    /**
     * The catalog name pipelines use for it ({@code warehouse}): the first part of dataset names.
     */
    public String name() {
        return name;
    }

    public CatalogLoader loader() {
        Map<String, String> props = new LinkedHashMap<>(properties);
        String type = props.remove("type");
        Configuration conf = new Configuration();
        return switch (type) {
            // forget and maintain commit while pipelines do: exclusive across processes
            case "hadoop" -> CatalogLoader.hadoop(name, conf, FolderCommitLock.withLock(props));
            case "rest" -> CatalogLoader.rest(name, conf, props);
            default -> CatalogLoader.custom(name, props, conf, JDBC_CATALOG);
        };
    }

    public Catalog open() {
        return loader().loadCatalog();
    }

    public TableLoader tableLoader(TableIdentifier table) {
        return TableLoader.fromCatalog(loader(), table);
    }

    /** {@code warehouse.payments.payments} for {@code payments.payments}. */
    public String qualified(TableIdentifier table) {
        return name + "." + table;
    }
}
