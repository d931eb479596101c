package dev.sluice.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * An Iceberg warehouse whose catalog is configuration ({@link IcebergCatalogSettings}): the
 * embedded default is a Hadoop catalog in a folder; {@code type=rest} or {@code type=jdbc} point it
 * at a shared catalog instead. Gives Flink the options of {@code CREATE CATALOG} and tests and the
 * demo a reader for table contents.
 */
public final class IcebergWarehouse implements AutoCloseable {

    /** The catalog name here and in Flink's {@code CREATE CATALOG}; JDBC catalogs scope by it. */
    public static final String CATALOG_NAME = "warehouse";

    private final IcebergCatalogSettings settings;
    private final Catalog catalog;
    private final Path ownedFolder;
    private final ObjectStore objectStore;
    private final RestCatalog restCatalog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IcebergWarehouse(IcebergCatalogSettings settings, Path ownedFolder) {
        this(settings, ownedFolder, null, null);
    }

    private IcebergWarehouse(
            IcebergCatalogSettings settings,
            Path ownedFolder,
            ObjectStore objectStore,
            RestCatalog restCatalog) {
        this.settings = settings;
        this.ownedFolder = ownedFolder;
        this.objectStore = objectStore;
        this.restCatalog = restCatalog;
        this.catalog =
                CatalogUtil.buildIcebergCatalog(
                        CATALOG_NAME, settings.icebergProperties(), new Configuration());
    }

    /** The embedded default: a Hadoop catalog in {@code workDir/warehouse}, removed on close. */
    public static IcebergWarehouse inFolder(Path workDir) throws IOException {
        Path folder = Files.createDirectories(workDir.resolve("warehouse"));
        return new IcebergWarehouse(IcebergCatalogSettings.hadoop(folder), folder);
    }

    /**
     * A warehouse behind any supported Iceberg catalog (see {@link IcebergCatalogSettings}).
     * Nothing is deleted on close.
     */
    public static IcebergWarehouse external(Map<String, String> catalogProperties) {
        return external(IcebergCatalogSettings.of(catalogProperties));
    }

    public static IcebergWarehouse external(IcebergCatalogSettings settings) {
        return new IcebergWarehouse(settings, null);
    }

    /**
     * The production-shaped warehouse: a REST catalog whose tables live on an S3-compatible object
     * store. Takes ownership of both servers: {@link #close()} stops them.
     */
    public static IcebergWarehouse onRestCatalog(ObjectStore store, RestCatalog restCatalog) {
        try {
            return new IcebergWarehouse(restSettings(store, restCatalog), null, store, restCatalog);
        } catch (RuntimeException e) {
            for (AutoCloseable server : List.of(restCatalog, store)) {
                try {
                    server.close();
                } catch (Exception cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /**
     * Catalog properties for a REST catalog on an object store: {@code type=rest}, the catalog's
     * {@code uri}, {@code warehouse} and bearer {@code token}, and {@code S3FileIO} settings. Hold
     * secrets (token, S3 secret key).
     */
    public static IcebergCatalogSettings restSettings(ObjectStore store, RestCatalog restCatalog) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(IcebergCatalogSettings.TYPE, "rest");
        properties.put(IcebergCatalogSettings.URI_KEY, restCatalog.uri());
        properties.put(IcebergCatalogSettings.WAREHOUSE, restCatalog.warehouse());
        properties.put("token", restCatalog.token());
        // a fixed bearer token: said explicitly, so that Iceberg does not warn that it guessed
        properties.put("rest.auth.type", "oauth2");
        properties.put("oauth2-server-uri", restCatalog.uri() + "/v1/oauth/tokens");
        properties.putAll(store.s3FileIoProperties());
        return IcebergCatalogSettings.of(properties);
    }

    /** The object store under a REST warehouse started by the embedded stack. */
    public Optional<ObjectStore> objectStore() {
        return Optional.ofNullable(objectStore);
    }

    /** The REST catalog server of a REST warehouse started by the embedded stack. */
    public Optional<RestCatalog> restCatalog() {
        return Optional.ofNullable(restCatalog);
    }

    public IcebergCatalogSettings settings() {
        return settings;
    }

    /** Options of Flink's {@code CREATE CATALOG warehouse WITH (...)}; may hold secrets. */
    public Map<String, String> flinkCatalogOptions() {
        return settings.flinkCatalogOptions();
    }

    public Catalog catalog() {
        return catalog;
    }

    public boolean tableExists(TableIdentifier table) {
        return catalog.tableExists(table);
    }

    /** The table as of its latest commit. */
    public Table loadTable(TableIdentifier table) {
        return catalog.loadTable(table);
    }

    /**
     * The current rows of a table (deletes applied), each as column name → value in schema order;
     * nested structs become maps too. Empty if the table does not exist.
     */
    public List<Map<String, Object>> rows(TableIdentifier identifier) {
        if (!catalog.tableExists(identifier)) {
            return List.of();
        }
        Table table = catalog.loadTable(identifier);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record record : records) {
                rows.add(toMap(record, table.schema().asStruct()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Iceberg table " + identifier, e);
        }
        return rows;
    }

    /** The number of current rows (deletes applied, so it reads the table). */
    public long rowCount(TableIdentifier table) {
        if (!catalog.tableExists(table)) {
            return 0;
        }
        long count = 0;
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(catalog.loadTable(table)).build()) {
            for (Record ignored : records) {
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Iceberg table " + table, e);
        }
        return count;
    }

    private static Map<String, Object> toMap(Record record, Types.StructType struct) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Types.NestedField field : struct.fields()) {
            row.put(field.name(), plain(record.getField(field.name())));
        }
        return row;
    }

    private static Object plain(Object value) {
        if (value instanceof Record nested) {
            return toMap(nested, nested.struct());
        }
        if (value instanceof Collection<?> list) {
            List<Object> plainList = new ArrayList<>(list.size());
            list.forEach(element -> plainList.add(plain(element)));
            return plainList;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> plainMap = new LinkedHashMap<>();
            map.forEach((key, element) -> plainMap.put(plain(key), plain(element)));
            return plainMap;
        }
        return value;
    }

    public String describe() {
        if (restCatalog != null && objectStore != null) {
            return restCatalog.describe() + "\n  " + objectStore.describe();
        }
        return settings.describe();
    }

    /**
     * Closes the catalog and, for the embedded default, removes the warehouse folder. Safe to call
     * twice.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (catalog instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (Exception e) {
            throw new IOException("Cannot close the Iceberg catalog " + settings.describe(), e);
        } finally {
            try {
                if (restCatalog != null) {
                    restCatalog.close();
                }
            } finally {
                try {
                    if (objectStore != null) {
                        objectStore.close();
                    }
                } finally {
                    if (ownedFolder != null) {
                        Folders.delete(ownedFolder);
                    }
                }
            }
        }
    }
}
