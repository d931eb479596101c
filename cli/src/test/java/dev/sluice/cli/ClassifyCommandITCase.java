package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.demo.PaymentsDatabase;
import dev.sluice.harness.PostgresServer;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice classify} against a real PostgreSQL holding the demo's payments schema. */
class ClassifyCommandITCase {
    @TempDir static Path temp;
    static PostgresServer postgres;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = PostgresServer.start(temp);
        postgres.createDatabase("payments");
        try (Connection c = postgres.connect("payments")) {
            PaymentsDatabase.createSchema(c);
            try (Statement s = c.createStatement()) {
                String[][] people = {
                    {
                        "Ada Lovelace",
                        "ada@example.com",
                        "+44 20 7946 0958",
                        "GB",
                        "4111111111111111"
                    },
                    {
                        "Grace Hopper",
                        "grace@example.org",
                        "+1 202 555 0143",
                        "US",
                        "5500005555555559"
                    },
                    {
                        "Alan Turing",
                        "alan@example.net",
                        "+44 161 496 0734",
                        "GB",
                        "4012888888881881"
                    },
                    {
                        "Edsger Dijkstra",
                        "edsger@example.nl",
                        "+31 20 794 8120",
                        "NL",
                        "378282246310005"
                    },
                    {
                        "Barbara Liskov",
                        "barbara@example.edu",
                        "+1 617 555 0199",
                        "US",
                        "6011111111111117"
                    },
                    {"Donald Knuth", "don@example.com", "+1 650 555 0111", "US", "4242424242424242"}
                };
                for (String[] p : people) {
                    s.execute(
                            "INSERT INTO customers (name, email, phone, country) VALUES ('"
                                    + p[0]
                                    + "', '"
                                    + p[1]
                                    + "', '"
                                    + p[2]
                                    + "', '"
                                    + p[3]
                                    + "')");
                    s.execute(
                            "INSERT INTO cards (customer_id, card_number, brand, expiry)"
                                    + " SELECT max(id), '"
                                    + p[4]
                                    + "', 'VISA', '12/29' FROM customers");
                }
            }
        }
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Test
    void proposesClassesMergesWithoutOverwritingAndShowsProgress() throws Exception {
        Path out = temp.resolve("classifications.yaml");
        Files.writeString(
                out,
                "version: 1\nclasses:\n  PII.CONTACT: a way to reach a person\n"
                        + "classifications:\n  # a person decided this\n"
                        + "  payments.customers.phone: [PII.CONTACT]\n");

        DeployCommandTest.Run run =
                DeployCommandTest.sluice(
                        "classify",
                        "--jdbc-url",
                        postgres.jdbcUrl("payments"),
                        "--user",
                        postgres.username(),
                        "--sample",
                        "50",
                        "--out",
                        out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("[1/3] public.cards: 6 columns, 6 rows sampled")
                .contains("[3/3] public.payments")
                .contains("wrote " + out);
        assertThat(run.out())
                .contains("payments.customers.email")
                .contains("PII.EMAIL")
                .contains("payments.cards.card_number")
                .contains("PCI.PAN")
                .contains("(already classified: kept)");
        Policy merged = PolicyLoader.load(List.of(out));
        assertThat(merged.classesOf("payments.customers.phone")).containsExactly("PII.CONTACT");
        assertThat(merged.classesOf("payments.customers.email")).containsExactly("PII.EMAIL");
        assertThat(merged.classesOf("payments.cards.card_number")).containsExactly("PCI.PAN");
        assertThat(Files.readString(out))
                .contains("# a person decided this")
                .contains("confidence");

        // a second run adds nothing and keeps the file as it is
        String before = Files.readString(out);
        DeployCommandTest.Run again =
                DeployCommandTest.sluice(
                        "classify",
                        "--jdbc-url",
                        postgres.jdbcUrl("payments"),
                        "--user",
                        postgres.username(),
                        "--out",
                        out.toString(),
                        "--format",
                        "json");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("0 proposals added");
        assertThat(Files.readString(out)).isEqualTo(before);
        assertThat(again.out()).contains("\"keptExisting\" : true");
    }

    @Test
    void anUnreachableDatabaseIsExitCodeUnavailable() {
        DeployCommandTest.Run run =
                DeployCommandTest.sluice(
                        "classify", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/payments");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err()).contains("Cannot scan jdbc:postgresql://127.0.0.1:1/payments");
    }
}
