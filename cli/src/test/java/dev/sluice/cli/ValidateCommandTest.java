package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    private static final String SECRET = "tok-3f9a-very-secret";

    @TempDir static Path dir;
    static Path root;
    static Path secrets;

    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void setUp() throws URISyntaxException, IOException {
        root = Path.of(ValidateCommandTest.class.getResource("/sql-validate").toURI());
        secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "AUDIT_TOKEN=" + SECRET + "\n");
    }

    static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String file(String name) {
        return root.resolve("pipelines").resolve(name).toString();
    }

    private static String catalog() {
        return root.resolve("catalog").toString();
    }

    @Test
    void validPipelinePlansOfflineAndItsPlanHidesSecrets() {
        Run run =
                sluice(
                        "validate",
                        "--catalog",
                        catalog(),
                        "--secret-file",
                        secrets.toString(),
                        "--explain",
                        file("orders_to_warehouse.sql"));
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("10_staging.sql: ok (catalog)")
                .contains("orders_to_warehouse.sql: ok (pipeline orders_to_warehouse, owner shop)")
                .contains("Sink(table=[warehouse.shop.orders]")
                .contains("'****'")
                .contains("3 files checked, all valid.")
                .doesNotContain(SECRET);
    }

    @Test
    void everyProblemOfEveryFileIsReportedWithItsPlace() {
        Run run =
                sluice(
                        "validate",
                        "--catalog",
                        catalog(),
                        "--secret-file",
                        secrets.toString(),
                        root.resolve("pipelines").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        String many = file("many_problems.sql");
        assertThat(run.out())
                .contains(
                        many
                                + ":3:5: error: Unknown configuration key 'execution.checkpointing.intervall'. Did you mean 'execution.checkpointing.interval'?")
                .contains(many + ":4:29: error: Invalid value for 'parallelism.default'")
                .contains(many + ":6:50: error: Object 'ordrs' not found")
                .contains("Object 'ordrs' not found")
                .contains(many + ":7:30: error: ")
                .contains("Column 'customer_mail' not found")
                .contains(many + ":8:30: error: ")
                .contains("unknown_fn")
                .contains(many + ":9:1: error: ")
                .contains(many + ":10:31: error: Undefined variable ${NOT_DEFINED}.")
                .contains(file("syntax_error.sql") + ":5:8: error: Syntax error")
                .contains("    FORM staging.orders;\n         ^")
                .contains(
                        file("no_header.sql") + ":1:1: error: Missing required header field @owner")
                .contains("orders_to_warehouse.sql: ok")
                .doesNotContain(SECRET);
    }

    @Test
    void jsonOutputForCi() throws IOException {
        Run run =
                sluice(
                        "validate",
                        "--format",
                        "json",
                        "--catalog",
                        catalog(),
                        "--secret-file",
                        secrets.toString(),
                        file("syntax_error.sql"),
                        file("orders_to_warehouse.sql"));
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("problemCount").asInt()).isEqualTo(1);
        JsonNode syntax = json.get("files").get(2);
        assertThat(syntax.get("file").asText()).isEqualTo(file("syntax_error.sql"));
        assertThat(syntax.get("problems").get(0).get("line").asInt()).isEqualTo(5);
        assertThat(syntax.get("problems").get(0).get("column").asInt()).isEqualTo(8);
        JsonNode good = json.get("files").get(3);
        assertThat(good.get("ok").asBoolean()).isTrue();
        assertThat(good.get("metadata").get("parallelism").asInt()).isEqualTo(2);
        assertThat(good.get("metadata").get("checkpointInterval").asText()).isEqualTo("PT10S");
    }

    @Test
    void unreadableFileAndBadCatalogOption() {
        Run missing =
                sluice("validate", "--catalog", catalog(), dir.resolve("nope.sql").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(missing.out()).contains("nope.sql:1:1: error: Cannot read file: No such file.");
        Run badCatalog =
                sluice(
                        "validate",
                        "--catalog",
                        dir.resolve("none").toString(),
                        file("no_header.sql"));
        assertThat(badCatalog.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badCatalog.err()).contains("Invalid --catalog:");
    }

    @Test
    void helpAndUsage() {
        Run help = sluice("validate", "--help");
        assertThat(help.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(help.out()).contains("--format", "--var", "--secret-file", "--catalog");
        assertThat(help.out()).contains("A variable for ${NAME} references");
        assertThat(sluice("validate").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
