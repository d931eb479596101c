package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg's Flink catalog copies the catalog's properties, secrets included, into every table's
 * options ({@code src-catalog}), which {@code SHOW CREATE TABLE} prints; the {@code sluice-iceberg}
 * catalog type does not, and its tables still read and write.
 */
class SluiceIcebergCatalogITCase {

    private static final String CANARY = "ic3b3rg-c4n4ry-15";

    @TempDir Path warehouse;

    @Test
    void showCreateTableShowsNoCatalogSecret() throws Exception {
        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        for (String type : List.of("iceberg", "sluice-iceberg")) {
            String name = type.equals("iceberg") ? "plain" : "guarded";
            tables.executeSql(
                    "CREATE CATALOG "
                            + name
                            + " WITH ('type' = '"
                            + type
                            + "', 'catalog-type' = 'hadoop', 'warehouse' = '"
                            + warehouse.resolve(name).toUri()
                            + "', 'token' = '"
                            + CANARY
                            + "', 's3.secret-access-key' = '"
                            + CANARY
                            + "')");
            tables.executeSql("CREATE DATABASE " + name + ".shop");
            tables.executeSql(
                    "CREATE TABLE "
                            + name
                            + ".shop.items (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)"
                            + " WITH ('format-version' = '2')");
        }
        // the leak this catalog type exists for
        assertThat(show(tables, "plain.shop.items")).contains(CANARY);
        String guarded = show(tables, "guarded.shop.items");
        assertThat(guarded).doesNotContain(CANARY).contains("src-catalog").contains("****");

        tables.executeSql("INSERT INTO guarded.shop.items VALUES (1, 'a'), (2, 'b')").await();
        assertThat(rows(tables, "SELECT id, name FROM guarded.shop.items ORDER BY id"))
                .containsExactly("+I[1, a]", "+I[2, b]");
    }

    private static String show(TableEnvironment tables, String table) throws Exception {
        return String.join("\n", rows(tables, "SHOW CREATE TABLE " + table));
    }

    private static List<String> rows(TableEnvironment tables, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql(query).collect()) {
            result.forEachRemaining(row -> rows.add(row.toString()));
        }
        return rows;
    }
}
