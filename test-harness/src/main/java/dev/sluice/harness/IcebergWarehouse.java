package dev.sluice.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * An Iceberg warehouse whose catalog is configuration: the embedded default is a Hadoop catalog in
 * a folder; {@code type=rest} (with {@code uri}) or {@code type=jdbc} (with {@code uri}, {@code
 * jdbc.user}, {@code jdbc.password}) point it at a shared catalog instead. Gives Flink the options
 * of {@code CREATE CATALOG} and tests and the demo a reader for table contents.
 */
public final class IcebergWarehouse implements AutoCloseable {

    public static final String CATALOG_NAME = "warehouse";

    private final Map<String, String> properties;
    private final Catalog catalog;
    private final Path ownedFolder;

    private IcebergWarehouse(Map<String, String> properties, Path ownedFolder) {
        this.properties = Map.copyOf(properties);
        this.ownedFolder = ownedFolder;
        this.catalog =
                CatalogUtil.buildIcebergCatalog(CATALOG_NAME, properties, new Configuration());
    }

    /** The embedded default: a Hadoop catalog in {@code workDir/warehouse}, removed on close. */
    public static IcebergWarehouse inFolder(Path workDir) throws IOException {
        Path folder = Files.createDirectories(workDir.resolve("warehouse"));
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP);
        properties.put("warehouse", folder.toUri().toString());
        return new IcebergWarehouse(properties, folder);
    }

    /**
     * A warehouse behind any Iceberg catalog: {@code type} (hadoop, rest, jdbc, ...), {@code
     * warehouse}, {@code uri} and the catalog's own properties. Nothing is deleted on close.
     */
    public static IcebergWarehouse external(Map<String, String> catalogProperties) {
        if (!catalogProperties.containsKey(CatalogUtil.ICEBERG_CATALOG_TYPE)) {
            throw new IllegalArgumentException(
                    "Missing catalog property 'type': set hadoop, rest or jdbc (and 'uri' or"
                            + " 'warehouse' as that catalog needs).");
        }
        return new IcebergWarehouse(catalogProperties, null);
    }

    /** Options of Flink's {@code CREATE CATALOG warehouse WITH (...)} for this warehouse. */
    public Map<String, String> flinkCatalogOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", "iceberg");
        properties.forEach(
                (key, value) ->
                        options.put(
                                key.equals(CatalogUtil.ICEBERG_CATALOG_TYPE) ? "catalog-type" : key,
                                value));
        return options;
    }

    public Catalog catalog() {
        return catalog;
    }

    public boolean tableExists(TableIdentifier table) {
        return catalog.tableExists(table);
    }

    public Table loadTable(TableIdentifier table) {
        return catalog.loadTable(table);
    }

    /**
     * The current rows of a table (deletes applied), each as column name → value; empty if the
     * table does not exist.
     */
    public List<Map<String, Object>> rows(TableIdentifier identifier) {
        if (!catalog.tableExists(identifier)) {
            return List.of();
        }
        Table table = catalog.loadTable(identifier);
        List<Types.NestedField> columns = table.schema().columns();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record record : records) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Types.NestedField column : columns) {
                    row.put(column.name(), record.getField(column.name()));
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Iceberg table " + identifier, e);
        }
        return rows;
    }

    public long rowCount(TableIdentifier table) {
        return rows(table).size();
    }

    public String describe() {
        return "Iceberg "
                + properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE)
                + " catalog, warehouse "
                + properties.getOrDefault("warehouse", properties.getOrDefault("uri", "?"));
    }

    @Override
    public void close() throws IOException {
        try {
            if (catalog instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (Exception e) {
            throw new IOException("Cannot close the Iceberg catalog", e);
        } finally {
            if (ownedFolder != null) {
                Folders.delete(ownedFolder);
            }
        }
    }
}
