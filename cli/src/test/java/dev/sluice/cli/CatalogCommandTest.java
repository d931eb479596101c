package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice catalog render} on the repository's {@code sql/} folder: the static site and its
 * JSON, and the usage error of a folder without pipelines. (The page in a browser:
 * CatalogPageITCase in catalog/.)
 */
class CatalogCommandTest {
    @TempDir Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void renderWritesTheSiteOfTheShippedPipelines() throws Exception {
        Path site = dir.resolve("site");
        Run run =
                sluice(
                        "catalog",
                        "render",
                        "--sql",
                        Path.of("..", "sql").toString(),
                        "--audit-log",
                        dir.resolve("none.jsonl").toString(),
                        "--out",
                        site.toString(),
                        "--var",
                        "CRM_JDBC_URL=jdbc:postgresql://crm-db.invalid:5432/crm",
                        "--var",
                        "CRM_USER=growth",
                        "--var",
                        "CRM_PASSWORD=unused");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("catalog: ").contains("index.html");
        for (String file :
                new String[] {
                    "index.html", "catalog.js", "catalog.css", "echarts.min.js", "catalog-data.js"
                }) {
            assertThat(site.resolve(file)).isNotEmptyFile();
        }
        JsonNode model = new ObjectMapper().readTree(site.resolve("api/catalog.json").toFile());
        assertThat(model.path("pipelines").findValuesAsText("decision")).containsOnly("PASS");
        assertThat(model.path("lineage").findValuesAsText("column"))
                .contains("crm.customers.email_hash", "warehouse.payments.cards.card_number");
        assertThat(Files.readString(site.resolve("catalog-data.js")))
                .doesNotContain("unused"); // the secret variable's value is nowhere in the page
    }

    @Test
    void aFolderWithoutPipelinesIsAUsageError() {
        Run run = sluice("catalog", "render", "--sql", dir.toString(), "--out", dir.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("has no pipelines/ folder");
    }
}
