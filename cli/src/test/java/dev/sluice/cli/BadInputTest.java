package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad input, as a new user would make it, through the real command line (in-process):
 * each case gives its exit code and the places and words its message must name; none may end in an
 * internal error or a stack trace. The shipped {@code sql/} folder is the starting point; each case
 * changes one thing in a copy.
 */
class BadInputTest {

    static Path workspace;
    static Path sql;
    static String pay;
    static String staging;
    static String org;
    static String payments;

    /** What a case writes and runs, in a folder of its own. */
    interface Setup {
        String[] args(Case.Files files) throws IOException;
    }

    /** One bad input: the command, its expected exit code and what its output must contain. */
    record Case(String name, int exit, List<String> expected, Setup setup) {
        /** Writes the files of one case. */
        record Files(Path dir) {
            String write(String name, String text) throws IOException {
                Path file = dir.resolve(name);
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.writeString(file, text);
                return file.toString();
            }

            String writeBytes(String name, byte[] bytes) throws IOException {
                Path file = dir.resolve(name);
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.write(file, bytes);
                return file.toString();
            }

            /** A copy of the shipped policy with {@code from} replaced in one of its files. */
            String policy(String fileName, String from, String to) throws IOException {
                Path folder = dir.resolve("policy");
                java.nio.file.Files.createDirectories(folder);
                java.nio.file.Files.writeString(
                        folder.resolve("00_org.yaml"),
                        fileName.equals("00_org.yaml") ? replace(org, from, to) : org);
                java.nio.file.Files.writeString(
                        folder.resolve("10_payments.yaml"),
                        fileName.equals("10_payments.yaml")
                                ? replace(payments, from, to)
                                : payments);
                return folder.toString();
            }

            /** A copy of the shipped catalog with {@code from} replaced in its staging file. */
            String catalog(String from, String to) throws IOException {
                Path folder = dir.resolve("catalog");
                java.nio.file.Files.createDirectories(folder);
                java.nio.file.Files.writeString(
                        folder.resolve("10_staging.sql"), replace(staging, from, to));
                java.nio.file.Files.copy(
                        sql.resolve("catalog/20_warehouse.sql"),
                        folder.resolve("20_warehouse.sql"));
                return folder.toString();
            }

            /** Like {@link #catalog} replacing only the first occurrence. */
            String catalogFirst(String from, String to) throws IOException {
                String changed =
                        replace(staging, from, from)
                                .replaceFirst(
                                        java.util.regex.Pattern.quote(from),
                                        java.util.regex.Matcher.quoteReplacement(to));
                Path folder = dir.resolve("catalog");
                java.nio.file.Files.createDirectories(folder);
                java.nio.file.Files.writeString(folder.resolve("10_staging.sql"), changed);
                java.nio.file.Files.copy(
                        sql.resolve("catalog/20_warehouse.sql"),
                        folder.resolve("20_warehouse.sql"));
                return folder.toString();
            }

            String audit() {
                return dir.resolve("audit.jsonl").toString();
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void copyTheShippedSqlFolder() throws IOException {
        workspace = Files.createTempDirectory("sluice-bad-input");
        sql = workspace.resolve("sql");
        Path shipped = Path.of("..", "sql");
        try (Stream<Path> walk = Files.walk(shipped)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = sql.resolve(shipped.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        pay = Files.readString(sql.resolve("pipelines/payments/payments_to_warehouse.sql"));
        staging = Files.readString(sql.resolve("catalog/10_staging.sql"));
        org = Files.readString(sql.resolve("policy/00_org.yaml"));
        payments = Files.readString(sql.resolve("policy/10_payments.yaml"));
    }

    static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new IllegalArgumentException("case setup: '" + from + "' not in the text");
        }
        return text.replace(from, to);
    }

    /** {@code :line:col} of the first {@code needle} in {@code text}, as messages print it. */
    static String at(String text, String needle) {
        int offset = text.indexOf(needle);
        if (offset < 0) {
            throw new IllegalArgumentException("case setup: '" + needle + "' not in the text");
        }
        String before = text.substring(0, offset);
        int line = before.split("\n", -1).length;
        int column = offset - before.lastIndexOf('\n');
        return ":" + line + ":" + column;
    }

    /** {@code :line:} of the first {@code needle} in {@code text}. */
    static String line(String text, String needle) {
        String a = at(text, needle);
        return a.substring(0, a.lastIndexOf(':') + 1);
    }

    static String[] validate(Case.Files f, String file, String... more) {
        List<String> args = new ArrayList<>(List.of("validate", file));
        boolean policyGiven = false;
        boolean catalogGiven = false;
        for (String m : more) {
            policyGiven |= m.equals("--policy") || m.equals("--no-policy");
            catalogGiven |= m.equals("--catalog");
        }
        if (!catalogGiven) {
            args.addAll(List.of("--catalog", sql.resolve("catalog").toString()));
        }
        if (!policyGiven) {
            args.add("--no-policy");
        }
        args.addAll(List.of("--audit-log", f.audit()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    static String[] gated(Case.Files f, String policyFolder) {
        return validate(
                f,
                sql.resolve("pipelines/payments/payments_to_warehouse.sql").toString(),
                "--policy",
                policyFolder);
    }

    static String[] gatedFile(Case.Files f, String file) {
        return validate(f, file, "--policy", sql.resolve("policy").toString());
    }

    static Case c(String name, int exit, List<String> expected, Setup setup) {
        return new Case(name, exit, expected, setup);
    }

    /** A pipeline with {@code from} replaced by {@code to}, validated; expected as given. */
    static Case sqlCase(String name, String from, String to, String... expected) {
        String text = replace(pay, from, to);
        List<String> all = new ArrayList<>();
        for (String e : expected) {
            all.add(e.startsWith("@") ? "p.sql" + at(text, e.substring(1)) : e);
        }
        return c(name, 1, all, f -> validate(f, f.write("p.sql", text)));
    }

    /** The shipped policy with one change, gating the shipped pipeline. */
    static Case policyCase(String name, String file, String from, String to, String... expected) {
        String text = replace(file.equals("00_org.yaml") ? org : payments, from, to);
        List<String> all = new ArrayList<>();
        for (String e : expected) {
            all.add(e.startsWith("@") ? file + line(text, e.substring(1)) : e);
        }
        return c(name, 1, all, f -> gated(f, f.policy(file, from, to)));
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String insert = "INSERT INTO warehouse.payments.cards";

        // --- policy: meaning (a typo must never open the gate) ---
        cases.add(
                policyCase(
                        "unknown class",
                        "10_payments.yaml",
                        "[PCI.PAN]",
                        "[PCI.PNA]",
                        "@PCI.PNA",
                        "Unknown class 'PCI.PNA'",
                        "Did you mean 'PCI.PAN'?"));
        cases.add(
                policyCase(
                        "unknown masking function",
                        "00_org.yaml",
                        "analytics: mask_show_last_n(4)",
                        "analytics: mask_show_lst_n(4)",
                        "@mask_show_lst_n",
                        "Did you mean 'mask_show_last_n'?"));
        cases.add(
                policyCase(
                        "masking function with too many arguments",
                        "00_org.yaml",
                        "[mask_hash, pseudonymize]",
                        "[mask_hash(2), pseudonymize]",
                        "@mask_hash(2)",
                        "mask_hash takes 1 argument"));
        cases.add(
                policyCase(
                        "decrypt as a mask",
                        "00_org.yaml",
                        "partner: pseudonymize",
                        "partner: decrypt_deterministic",
                        "@decrypt_deterministic",
                        "not a masking function"));
        cases.add(
                policyCase(
                        "rule matching no class",
                        "00_org.yaml",
                        "match: PII.EMAIL",
                        "match: PII.EMAL",
                        "@PII.EMAL",
                        "matches no known class"));
        cases.add(
                policyCase(
                        "residency matching no class",
                        "00_org.yaml",
                        "PCI.*: [eu-west-1]",
                        "PCX.*: [eu-west-1]",
                        "@PCX.*",
                        "Residency entry PCX.*"));
        cases.add(
                policyCase(
                        "classification of an undeclared dataset",
                        "10_payments.yaml",
                        "payments.cards.card_number:",
                        "paymnts.cards.card_number:",
                        "@paymnts.cards",
                        "Did you mean 'payments.cards'?"));
        cases.add(
                policyCase(
                        "team reading an undeclared dataset",
                        "10_payments.yaml",
                        "reads: [payments.customers]",
                        "reads: [paymnts.customers]",
                        "@paymnts.customers",
                        "matches no dataset"));
        cases.add(
                policyCase(
                        "team zone typo",
                        "10_payments.yaml",
                        "    zone: analytics\n  growth:",
                        "    zone: analytcs\n  growth:",
                        "@zone: analytcs",
                        "Did you mean 'analytics'?"));
        cases.add(
                policyCase(
                        "rule zone typo",
                        "00_org.yaml",
                        "      analytics: [mask_hash, pseudonymize]",
                        "      analytic: [mask_hash, pseudonymize]",
                        "@analytic:",
                        "Did you mean 'analytics'?"));
        cases.add(
                policyCase(
                        "subject column of an undeclared dataset",
                        "10_payments.yaml",
                        "key: payments.customers.id",
                        "key: payment.customers.id",
                        "@key: payment.customers.id",
                        "payment.customers"));
        cases.add(
                policyCase(
                        "retention of an undeclared dataset",
                        "10_payments.yaml",
                        "  warehouse.payments.payments:\n    keep",
                        "  warehous.payments.payments:\n    keep",
                        "@warehous.payments",
                        "Retention for warehous.payments.payments"));
        cases.add(
                policyCase(
                        "sources table pattern matching no table",
                        "10_payments.yaml",
                        "- kafka: {cluster: platform, topic: 'staging.payments.public.*'}",
                        "- table: stagin.payments_*",
                        "@- table: stagin",
                        "Did you mean staging.payments_*?"));
        cases.add(
                policyCase(
                        "sources identity pattern matching no topic",
                        "10_payments.yaml",
                        "topic: 'staging.payments.public.*'",
                        "topic: 'stagin.payments.public.*'",
                        "UNMAPPED SOURCE",
                        "kafka{cluster=platform, topic=staging.payments.public.cards}",
                        "Fix: Map it in the policy"));
        cases.add(
                c(
                        "empty policy file as the only policy",
                        1,
                        List.of("maps no source table", "--no-policy"),
                        f -> gated(f, f.write("empty/policy.yaml", ""))));
        cases.add(
                c(
                        "policy without sources",
                        1,
                        List.of("maps no source table"),
                        f -> gated(f, f.write("rules-only/00_org.yaml", org))));
        cases.add(
                policyCase(
                        "policy YAML syntax",
                        "00_org.yaml",
                        "  - id: pii-email\n",
                        "  - id: pii-email\n    match: [PII\n",
                        "@match: PII.EMAIL",
                        "Invalid YAML"));
        cases.add(
                policyCase(
                        "policy field unknown to the schema",
                        "10_payments.yaml",
                        "    zone: analytics\n  growth:",
                        "    zone: analytics\n    writes: [x]\n  growth:",
                        "@writes",
                        "/teams/payments/writes"));
        cases.add(
                policyCase(
                        "duplicate rule id",
                        "00_org.yaml",
                        "id: pii-phone",
                        "id: pii-email",
                        "Duplicate rule id 'pii-email'"));
        cases.add(
                c(
                        "--policy path missing",
                        2,
                        List.of("Invalid --policy", "does not exist"),
                        f -> gated(f, f.dir().resolve("nope").toString())));
        cases.add(
                c(
                        "--policy with --no-policy",
                        2,
                        List.of("contradict"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--policy",
                                        sql.resolve("policy").toString(),
                                        "--no-policy")));

        cases.add(
                c(
                        "owner that is a typo of a team",
                        1,
                        List.of("p.sql:1:11", "Did you mean 'payments'?"),
                        f ->
                                gatedFile(
                                        f,
                                        f.write(
                                                "p.sql",
                                                replace(
                                                        pay,
                                                        "-- @owner payments",
                                                        "-- @owner paymnets")))));
        cases.add(
                c(
                        "a PASS over tables no source maps says what it did not check",
                        0,
                        List.of(
                                "policy gate: PASS",
                                "not checked: default_catalog.default_database.gen is read but"
                                        + " no sources: entry maps it",
                                "nothing to prove"),
                        f ->
                                gatedFile(
                                        f,
                                        f.write(
                                                "p.sql",
                                                "-- @owner payments\n-- @description d\n"
                                                        + "CREATE TABLE gen (id BIGINT, email"
                                                        + " STRING) WITH ('connector' ="
                                                        + " 'datagen');\n"
                                                        + "CREATE TABLE bh (id BIGINT, email"
                                                        + " STRING) WITH ('connector' ="
                                                        + " 'blackhole');\n"
                                                        + "INSERT INTO bh SELECT id, email FROM"
                                                        + " gen;\n"))));

        // --- SQL files ---
        cases.add(
                sqlCase(
                        "unclosed ${ in a literal",
                        "SELECT id, customer_id, mask_show_last_n(card_number, 4), brand, expiry,"
                                + " updated_at\nFROM staging.payments_cards;",
                        "SELECT id, customer_id, mask_show_last_n(card_number, 4), brand, expiry,"
                                + " updated_at\nFROM staging.payments_cards WHERE brand ="
                                + " '${BRAND';",
                        "@${BRAND",
                        "Unclosed variable reference"));
        cases.add(
                sqlCase(
                        "variable with a space",
                        "FROM staging.payments_cards;",
                        "FROM staging.payments_cards WHERE brand = '${ BRAND}';",
                        "@${ BRAND}",
                        "Invalid variable reference"));
        cases.add(
                sqlCase(
                        "undefined variable",
                        "FROM staging.payments_cards;",
                        "FROM staging.payments_cards WHERE brand = '${BRAND}';",
                        "@${BRAND}",
                        "Undefined variable ${BRAND}"));
        cases.add(
                sqlCase(
                        "variable outside a literal",
                        "FROM staging.payments_cards;",
                        "FROM staging.payments_cards WHERE brand = ${BRAND};",
                        "@${BRAND}",
                        "outside a string literal"));
        cases.add(
                sqlCase(
                        "misspelt header field",
                        "-- @parallelism 1",
                        "-- @paralelism 4",
                        "@@paralelism",
                        "Did you mean @parallelism?"));
        cases.add(
                sqlCase(
                        "misspelt owner field",
                        "-- @owner payments",
                        "-- @ownr payments",
                        "@@ownr",
                        "Did you mean @owner?"));
        cases.add(
                sqlCase(
                        "missing owner",
                        "-- @owner payments\n",
                        "",
                        "Missing required header field @owner"));
        cases.add(
                sqlCase(
                        "parallelism zero",
                        "-- @parallelism 1",
                        "-- @parallelism 0",
                        "@0",
                        "Invalid header field @parallelism"));
        cases.add(
                sqlCase(
                        "bad checkpoint interval",
                        "-- @checkpoint-interval 2 s",
                        "-- @checkpoint-interval soon",
                        "@soon",
                        "Invalid header field @checkpoint-interval"));
        cases.add(
                sqlCase(
                        "duplicate header field",
                        "-- @parallelism 1",
                        "-- @parallelism 1\n-- @owner payments",
                        "Duplicate header field @owner"));
        cases.add(
                sqlCase(
                        "unterminated string",
                        "FROM staging.payments_cards;",
                        "FROM staging.payments_cards WHERE brand = 'visa;",
                        "@'visa",
                        "Unterminated string literal"));
        cases.add(
                sqlCase(
                        "unterminated comment",
                        "-- All three INSERTs",
                        "/* All three INSERTs",
                        "@/* All",
                        "Unterminated comment"));
        cases.add(
                sqlCase(
                        "unterminated quoted identifier",
                        "FROM staging.payments_cards;",
                        "FROM staging.`payments_cards;",
                        "@`payments_cards",
                        "Unterminated quoted identifier"));
        cases.add(
                sqlCase(
                        "misspelt keyword",
                        "SELECT id, customer_id, mask_show_last_n",
                        "SELEC id, customer_id, mask_show_last_n",
                        "@SELEC id, customer_id",
                        "Syntax error"));
        cases.add(
                sqlCase(
                        "unknown table",
                        "FROM staging.payments_cards;",
                        "FROM staging.payments_card;",
                        "@staging.payments_card;",
                        "payments_card"));
        cases.add(
                sqlCase(
                        "unknown column",
                        "SELECT id, customer_id, mask_show_last_n(card_number, 4)",
                        "SELECT id, customer_idd, mask_show_last_n(card_number, 4)",
                        "@customer_idd",
                        "Column 'customer_idd' not found"));
        cases.add(
                sqlCase(
                        "unknown function",
                        "mask_show_last_n(card_number, 4), brand",
                        "mask_show_lst_n(card_number, 4), brand",
                        "@mask_show_lst_n",
                        "mask_show_lst_n"));
        cases.add(
                sqlCase(
                        "bad option of a masking function",
                        "mask_show_last_n(phone, 2)",
                        "mask_show_last_n(phone, 'x')",
                        "@mask_show_last_n(phone, 'x')",
                        "mask_show_last_n"));
        cases.add(
                sqlCase(
                        "too few columns",
                        "SELECT id, card_id, amount, currency, status, created_at, updated_at",
                        "SELECT id, card_id, amount, currency, status, created_at",
                        "missing a value for updated_at"));
        cases.add(
                sqlCase(
                        "too many columns",
                        "SELECT id, card_id, amount, currency, status, created_at, updated_at",
                        "SELECT id, card_id, amount, currency, status, created_at, updated_at,"
                                + " id AS again",
                        "extra again"));
        cases.add(
                sqlCase(
                        "connector typo in the pipeline's own table",
                        "LOAD MODULE sluice;",
                        "LOAD MODULE sluice;\n\nCREATE TABLE audit_copy (id BIGINT) WITH (\n"
                                + "  'connector' = 'kafak',\n  'topic' = 't'\n);\n"
                                + "INSERT INTO audit_copy SELECT id FROM staging.payments_cards;",
                        "@'kafak'",
                        "kafak"));
        cases.add(
                sqlCase(
                        "unsupported connector option",
                        "LOAD MODULE sluice;",
                        "LOAD MODULE sluice;\n\nCREATE TABLE bh (id BIGINT) WITH (\n"
                                + "  'connector' = 'blackhole',\n  'sink.paralelism' = '1'\n);\n"
                                + "INSERT INTO bh SELECT id FROM staging.payments_cards;",
                        "@'sink.paralelism'",
                        "sink.paralelism"));
        cases.add(
                sqlCase(
                        "SET key typo",
                        "LOAD MODULE sluice;",
                        "LOAD MODULE sluice;\nSET 'execution.checkpointing.intervall' = '10 s';",
                        "@'execution.checkpointing.intervall'",
                        "Did you mean 'execution.checkpointing.interval'?"));
        cases.add(
                sqlCase(
                        "SET value of the wrong type",
                        "LOAD MODULE sluice;",
                        "LOAD MODULE sluice;\nSET 'parallelism.default' = 'many';",
                        "@'many'",
                        "Invalid value for 'parallelism.default'"));
        cases.add(
                sqlCase(
                        "query without sink",
                        "LOAD MODULE sluice;",
                        "LOAD MODULE sluice;\nSELECT 1;",
                        "@SELECT 1",
                        "has no sink"));
        cases.add(
                sqlCase(
                        "SHOW in a pipeline",
                        "LOAD MODULE sluice;",
                        "LOAD MODULE sluice;\nSHOW TABLES;",
                        "@SHOW TABLES",
                        "has no place in a pipeline file"));
        cases.add(
                c(
                        "pipeline without INSERT",
                        1,
                        List.of("needs at least one INSERT INTO"),
                        f ->
                                validate(
                                        f,
                                        f.write(
                                                "p.sql",
                                                "-- @owner payments\n-- @description d\n"
                                                        + "LOAD MODULE sluice;\n"))));
        cases.add(
                c(
                        "empty pipeline file",
                        1,
                        List.of("p.sql:1:1", "Missing required header field @owner"),
                        f -> validate(f, f.write("p.sql", ""))));
        cases.add(
                c(
                        "file that is not UTF-8",
                        1,
                        List.of("p.sql:1:1", "Not valid UTF-8"),
                        f ->
                                validate(
                                        f,
                                        f.writeBytes(
                                                "p.sql",
                                                new byte[] {'-', '-', ' ', (byte) 0xC3, 0x28}))));
        cases.add(
                c(
                        "missing pipeline file",
                        1,
                        List.of("missing.sql:1:1", "No such file"),
                        f -> validate(f, f.dir().resolve("missing.sql").toString())));
        cases.add(
                c(
                        "folder without .sql files",
                        1,
                        List.of("No .sql file in this folder"),
                        f -> {
                            Files.createDirectories(f.dir().resolve("empty"));
                            return validate(f, f.dir().resolve("empty").toString());
                        }));

        // --- catalog ---
        cases.add(
                c(
                        "catalog file holding an INSERT, with a policy",
                        1,
                        List.of(
                                "10_staging.sql" + at(staging, "CREATE DATABASE"),
                                "A catalog file may only declare",
                                "payments_to_warehouse.sql: not checked (catalog error above)"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--catalog",
                                        f.catalog(
                                                "CREATE DATABASE",
                                                "INSERT INTO x SELECT 1;\nCREATE DATABASE"),
                                        "--policy",
                                        sql.resolve("policy").toString())));
        cases.add(
                c(
                        "catalog syntax error",
                        1,
                        List.of(
                                "10_staging.sql" + at(staging, "CREATE DATABASE"),
                                "not checked (catalog error above)"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--catalog",
                                        f.catalog("CREATE DATABASE", "CREAT DATABASE"))));
        cases.add(
                c(
                        "catalog connector typo",
                        1,
                        List.of(
                                // the declaration, not the INSERT that reads it
                                "10_staging.sql"
                                        + at(
                                                staging.replaceFirst(
                                                        "'connector' = 'kafka'",
                                                        "'connector' = 'kafak'"),
                                                "'kafak'"),
                                "payments_customers",
                                "Unknown connector"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--catalog",
                                        f.catalogFirst(
                                                "'connector' = 'kafka'",
                                                "'connector' = 'kafak'"))));
        cases.add(
                c(
                        "catalog file that is not UTF-8",
                        1,
                        List.of(
                                "10_staging.sql:1:1",
                                "Not valid UTF-8",
                                "not checked (catalog error above)"),
                        f -> {
                            Path folder = f.dir().resolve("catalog");
                            Files.createDirectories(folder);
                            Files.write(
                                    folder.resolve("10_staging.sql"),
                                    new byte[] {'-', '-', ' ', (byte) 0xC3, 0x28});
                            Files.copy(
                                    sql.resolve("catalog/20_warehouse.sql"),
                                    folder.resolve("20_warehouse.sql"));
                            return validate(
                                    f,
                                    sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                            .toString(),
                                    "--catalog",
                                    folder.toString());
                        }));
        cases.add(
                c(
                        "policy file that is not UTF-8",
                        1,
                        List.of("bad.yaml:1:1", "Not valid UTF-8"),
                        f ->
                                gated(
                                        f,
                                        f.writeBytes(
                                                "latin1/bad.yaml",
                                                new byte[] {'#', ' ', (byte) 0xE9, '\n'}))));
        cases.add(
                c(
                        "--catalog missing",
                        2,
                        List.of("Invalid --catalog"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--catalog",
                                        f.dir().resolve("nope").toString())));

        // --- variables and usage ---
        cases.add(
                c(
                        "--var without =",
                        2,
                        List.of("Invalid variable assignment"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--var",
                                        "NOPE")));
        cases.add(
                c(
                        "--var-file missing",
                        2,
                        List.of("Invalid --var-file", "vars.properties"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--var-file",
                                        f.dir().resolve("vars.properties").toString())));
        cases.add(
                c(
                        "invalid variable name in a variable file",
                        1,
                        List.of("Invalid variable name", "9LIVES"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--var-file",
                                        f.write("vars.properties", "9LIVES=x\n"))));
        cases.add(
                c(
                        "--format unknown",
                        2,
                        List.of("--format"),
                        f ->
                                validate(
                                        f,
                                        sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                                .toString(),
                                        "--format",
                                        "yaml")));
        cases.add(
                c(
                        "unknown option",
                        2,
                        List.of("--frobnicate"),
                        f -> new String[] {"validate", "--frobnicate", "x.sql"}));
        cases.add(c("validate without FILE", 2, List.of("FILE"), f -> new String[] {"validate"}));
        cases.add(c("unknown command", 2, List.of("valdate"), f -> new String[] {"valdate"}));

        // --- run, submit, deploy: the gate cannot plan ---
        String unplannable =
                replace(
                        pay,
                        "SELECT id, customer_id, mask_show_last_n(card_number, 4)",
                        "SELECT id, customer_idd, mask_show_last_n(card_number, 4)");
        cases.add(
                c(
                        "run of a pipeline the gate cannot plan",
                        1,
                        List.of(
                                "p.sql" + at(unplannable, "customer_idd"),
                                "the policy gate cannot plan it"),
                        f ->
                                new String[] {
                                    "run",
                                    f.write("p.sql", unplannable),
                                    "--catalog",
                                    sql.resolve("catalog").toString(),
                                    "--policy",
                                    sql.resolve("policy").toString(),
                                    "--audit-log",
                                    f.audit(),
                                    "--var",
                                    "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                                    "--var",
                                    "ICEBERG_CATALOG_TYPE=hadoop",
                                    "--var",
                                    "ICEBERG_WAREHOUSE=" + f.dir().resolve("wh").toUri()
                                }));
        cases.add(
                c(
                        "submit of a pipeline the gate cannot plan",
                        1,
                        List.of(
                                "p.sql" + at(unplannable, "customer_idd"),
                                "the policy gate cannot plan it"),
                        f ->
                                new String[] {
                                    "submit",
                                    f.write("p.sql", unplannable),
                                    "--rest",
                                    "http://127.0.0.1:9",
                                    "--catalog",
                                    sql.resolve("catalog").toString(),
                                    "--policy",
                                    sql.resolve("policy").toString(),
                                    "--audit-log",
                                    f.audit(),
                                    "--var",
                                    "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                                    "--var",
                                    "ICEBERG_CATALOG_TYPE=hadoop",
                                    "--var",
                                    "ICEBERG_WAREHOUSE=" + f.dir().resolve("wh").toUri()
                                }));
        String typoSink =
                "-- @owner payments\n-- @description d\n"
                        + "CREATE TABLE bh (id BIGINT) WITH ('connector' = 'blakhole');\n"
                        + "INSERT INTO bh SELECT id FROM staging.payments_cards;\n";
        cases.add(
                c(
                        "run of a pipeline whose own table has a connector typo",
                        1,
                        List.of("p.sql" + at(typoSink, "'blakhole'"), "blakhole"),
                        f ->
                                new String[] {
                                    "run",
                                    f.write("p.sql", typoSink),
                                    "--catalog",
                                    sql.resolve("catalog").toString(),
                                    "--policy",
                                    sql.resolve("policy").toString(),
                                    "--audit-log",
                                    f.audit(),
                                    "--var",
                                    "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                                    "--var",
                                    "ICEBERG_CATALOG_TYPE=hadoop",
                                    "--var",
                                    "ICEBERG_WAREHOUSE=" + f.dir().resolve("wh").toUri()
                                }));
        cases.add(
                c(
                        "run of a missing file",
                        1,
                        List.of("missing.sql:1:1", "No such file"),
                        f ->
                                new String[] {
                                    "run", f.dir().resolve("missing.sql").toString(), "--no-policy"
                                }));
        cases.add(
                c(
                        "deploy render of a pipeline the gate cannot plan",
                        1,
                        List.of(
                                "unplannable.sql" + at(unplannable, "customer_idd"),
                                "Refusing to render"),
                        f -> {
                            Path file = sql.resolve("pipelines/payments/unplannable.sql");
                            Files.writeString(file, unplannable);
                            file.toFile().deleteOnExit();
                            return new String[] {
                                "deploy", "render", file.toString(), "--image-tag", "1"
                            };
                        }));
        cases.add(
                c(
                        "deploy render --mode unknown",
                        2,
                        List.of("Invalid --mode: 'cluster'"),
                        f ->
                                new String[] {
                                    "deploy",
                                    "render",
                                    sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                            .toString(),
                                    "--image-tag",
                                    "1",
                                    "--mode",
                                    "cluster"
                                }));
        cases.add(
                c(
                        "deploy render --overlay unknown",
                        2,
                        List.of("Invalid --overlay: 'staging'"),
                        f ->
                                new String[] {
                                    "deploy",
                                    "render",
                                    sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                            .toString(),
                                    "--image-tag",
                                    "1",
                                    "--overlay",
                                    "staging"
                                }));
        cases.add(
                c(
                        "deploy render --secret malformed",
                        2,
                        List.of("Invalid --secret: 'PG'"),
                        f ->
                                new String[] {
                                    "deploy",
                                    "render",
                                    sql.resolve("pipelines/payments/payments_to_warehouse.sql")
                                            .toString(),
                                    "--image-tag",
                                    "1",
                                    "--secret",
                                    "PG"
                                }));
        cases.add(
                c(
                        "deploy render without FILE",
                        2,
                        List.of("FILE"),
                        f -> new String[] {"deploy", "render", "--image-tag", "1"}));

        // --- audit ---
        cases.add(
                c(
                        "audit of a missing log",
                        1,
                        List.of("No audit log at", "missing.jsonl"),
                        f ->
                                new String[] {
                                    "audit", "--log", f.dir().resolve("missing.jsonl").toString()
                                }));
        cases.add(
                c(
                        "audit --decision unknown",
                        2,
                        List.of("Invalid --decision: 'MAYBE'"),
                        f ->
                                new String[] {
                                    "audit",
                                    "--log",
                                    f.write("log.jsonl", ""),
                                    "--decision",
                                    "MAYBE"
                                }));
        cases.add(
                c(
                        "audit --since unreadable",
                        2,
                        List.of("Invalid --since: 'yesterday'"),
                        f ->
                                new String[] {
                                    "audit",
                                    "--log",
                                    f.write("log.jsonl", ""),
                                    "--since",
                                    "yesterday"
                                }));
        cases.add(
                c(
                        "audit log with a broken line",
                        1,
                        List.of("log.jsonl", "2"),
                        f ->
                                new String[] {
                                    "audit", "--log", f.write("log.jsonl", "{}\n{not json\n")
                                }));

        // --- ingest ---
        cases.add(
                c(
                        "ingest --set of a password",
                        2,
                        List.of(
                                "Unknown ingest option 'postgres.password'",
                                "postgres.password-env"),
                        f ->
                                new String[] {
                                    "ingest", "--set", "postgres.password=hunter2", "--check"
                                }));
        cases.add(
                c(
                        "ingest --set key typo",
                        2,
                        List.of("Unknown ingest option 'slot.nme'", "Did you mean 'slot.name'?"),
                        f -> new String[] {"ingest", "--set", "slot.nme=s", "--check"}));
        cases.add(
                c(
                        "ingest --config missing",
                        2,
                        List.of("Invalid --config", "nope.properties"),
                        f ->
                                new String[] {
                                    "ingest",
                                    "--config",
                                    f.dir().resolve("nope.properties").toString(),
                                    "--check"
                                }));
        cases.add(
                c(
                        "ingest --config with an unknown key",
                        1,
                        List.of("Unknown ingest option 'tabels'", "Did you mean 'tables'?"),
                        f ->
                                new String[] {
                                    "ingest",
                                    "--config",
                                    f.write("ingest.properties", "tabels=public.x\n"),
                                    "--check"
                                }));
        cases.add(
                c(
                        "ingest without required options",
                        1,
                        List.of("postgres.database"),
                        f -> new String[] {"ingest", "--check"}));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsALocatedErrorAndItsExitCode(Case c) throws IOException {
        Path dir = workspace.resolve("case-" + Math.abs(c.name().hashCode()));
        Files.createDirectories(dir);
        Run run = sluice(c.setup().args(new Case.Files(dir)));
        String all = run.all();
        assertThat(run.exitCode()).as(c.name() + ": " + all).isEqualTo(c.exit());
        for (String expected : c.expected()) {
            assertThat(all).as(c.name() + ": output names " + expected).contains(expected);
        }
        assertThat(all)
                .doesNotContain("internal error")
                .doesNotContainPattern("\\n\\s+at [a-z]+\\.[\\w.$]+\\(")
                .doesNotContain("Exception in thread");
    }
}
