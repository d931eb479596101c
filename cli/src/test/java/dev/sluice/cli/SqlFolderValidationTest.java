package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every file of the self-serve {@code sql/} folder is validated by the build. */
class SqlFolderValidationTest {
    private static final Path SQL = Path.of("..", "sql");

    @Test
    void everyFileUnderSqlIsValid() throws Exception {
        assertThat(SQL.resolve("catalog")).isDirectory();
        long files;
        try (var walk = Files.walk(SQL)) {
            files = walk.filter(p -> p.toString().endsWith(".sql")).count();
        }
        ValidateCommandTest.Run run =
                ValidateCommandTest.sluice(
                        "validate",
                        "--catalog",
                        SQL.resolve("catalog").toString(),
                        // what the CRM pipeline's CI passes: validation never connects
                        "--var",
                        "CRM_JDBC_URL=jdbc:postgresql://crm-db.invalid:5432/crm",
                        "--var",
                        "CRM_USER=growth",
                        "--var",
                        "CRM_PASSWORD=not-needed-offline",
                        SQL.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains(files + " files checked, all valid.");
    }

    @Test
    void theFolderValidatesAsOneDatasetGraphAndExplainsEachTablesIdentity(
            @org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
        Path audit = temp.resolve("audit.jsonl");
        ValidateCommandTest.Run run =
                ValidateCommandTest.sluice(
                        "validate",
                        "--explain",
                        "--catalog",
                        SQL.resolve("catalog").toString(),
                        "--policy",
                        SQL.resolve("policy").toString(),
                        "--audit-log",
                        audit.toString(),
                        "--var",
                        "CRM_JDBC_URL=jdbc:postgresql://crm-db.invalid:5432/crm",
                        "--var",
                        "CRM_USER=growth",
                        "--var",
                        "CRM_PASSWORD=not-needed-offline",
                        SQL.resolve("pipelines").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains(", dataset graph)")
                .contains(
                        "dataset default_catalog.staging.payments_customers (source) ->"
                                + " kafka{cluster=platform, topic=staging.payments.public.customers}"
                                + " [dataset payments.customers, region eu-west-1]")
                .contains(
                        "dataset default_catalog.crm.customers (sink) -> jdbc{host=crm-db.invalid,"
                                + " port=5432, database=crm, table=public.customers} [dataset"
                                + " crm.customers, zone analytics, region eu-west-1]")
                .contains("dataset graph (what reaches each dataset the pipelines write):")
                .contains("card_number: [PCI.PAN via mask_show_last_n(4)]");
        assertThat(Files.readString(audit))
                .contains("\"datasets\":[{\"table\":")
                .contains("\"datasetGraph\":true");
    }
}
