package dev.sluice.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The sample payments database of the demo and the end-to-end tests: schema and seed rows. */
public final class PaymentsDatabase {

    public static final String NAME = "payments";
    public static final List<String> TABLES =
            List.of("public.customers", "public.cards", "public.payments");

    private PaymentsDatabase() {}

    /** Creates the tables (with REPLICA IDENTITY FULL) in an empty database. */
    public static void createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(schemaScript());
        }
    }

    /** Creates the tables in an empty MySQL/MariaDB database, one statement at a time. */
    public static void createMySqlSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : schemaScript("/demo/payments-schema-mysql.sql").split(";\\s*\n")) {
                String withoutComments = sql.replaceAll("(?m)^--.*$", "").strip();
                if (!withoutComments.isEmpty()) {
                    statement.execute(withoutComments);
                }
            }
        }
    }

    private static String schemaScript() {
        return schemaScript("/demo/payments-schema.sql");
    }

    private static String schemaScript(String resource) {
        try (InputStream in = PaymentsDatabase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
