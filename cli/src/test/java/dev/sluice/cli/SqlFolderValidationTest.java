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
}
