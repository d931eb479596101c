package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutations of the shipped {@code sql/} files, pipelines, catalog and policy (truncation, deleted
 * and duplicated lines, swapped tokens, inserted characters that open strings, comments and
 * references, random bytes), each validated with the catalog and policy: every outcome must be exit
 * 0, 1 or 2, a problem must be located ({@code file:line:col: error:}), and nothing may reach an
 * internal error or print a stack trace. Seeded, and bounded in count, so a failure can be
 * replayed.
 */
class SqlFuzzTest {
    private static final long SEED = 20261206L;
    private static final int MUTATIONS = 60;

    /** A problem at its place; a policy-wide one (no source mapped) names its files. */
    private static final Pattern LOCATED = Pattern.compile("\\.(sql|yaml):\\d+:\\d+: |\\.yaml: ");

    private static final Pattern STACK_FRAME = Pattern.compile("\\n\\s+at [a-z]+\\.[\\w.$]+\\(");
    private static final String[] INSERTS = {
        "'",
        "`",
        "\"",
        "${",
        "$${",
        "}",
        "(",
        ")",
        ";",
        "/*",
        "*/",
        "--",
        "-- @",
        "@",
        ",",
        "=",
        "\\",
        "\u0000",
        "\u00e9",
        "\ud83d\ude00",
        "\t",
        "\r",
        "\n",
        "SELECT",
        "INSERT INTO",
        "END",
        "BEGIN",
        "'${X",
        "${ICEBERG_WAREHOUSE}"
    };

    @TempDir Path temp;

    record Source(String role, Path path, String text) {}

    @Test
    void mutatedSqlFilesNeverReachAnInternalError() throws IOException {
        Path shipped = Path.of("..", "sql");
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(shipped)) {
            for (Path p :
                    walk.filter(
                                    p ->
                                            p.toString().endsWith(".sql")
                                                    || p.toString().endsWith(".yaml"))
                            .sorted()
                            .toList()) {
                String role =
                        p.toString().endsWith(".yaml")
                                ? "policy"
                                : p.toString().contains("catalog") ? "catalog" : "pipeline";
                sources.add(new Source(role, p, Files.readString(p)));
            }
        }
        Random random = new Random(SEED);
        long start = System.nanoTime();
        int[] outcomes = new int[3];
        for (int i = 0; i < MUTATIONS; i++) {
            Source source = sources.get(random.nextInt(sources.size()));
            Mutation mutation = mutate(source.text(), random);
            Path dir = Files.createDirectories(temp.resolve("m" + i));
            Path catalog = shipped.resolve("catalog");
            Path policy = shipped.resolve("policy");
            Path file = shipped.resolve("pipelines/payments/payments_to_warehouse.sql");
            if (source.role().equals("policy")) {
                policy = Files.createDirectories(dir.resolve("policy"));
                for (Source s : sources) {
                    if (s.role().equals("policy")) {
                        Path target = policy.resolve(s.path().getFileName());
                        if (s == source) {
                            Files.write(target, mutation.bytes());
                        } else {
                            Files.writeString(target, s.text());
                        }
                    }
                }
            } else if (source.role().equals("catalog")) {
                catalog = Files.createDirectories(dir.resolve("catalog"));
                for (Source s : sources) {
                    if (s.role().equals("catalog")) {
                        Path target = catalog.resolve(s.path().getFileName());
                        if (s == source) {
                            Files.write(target, mutation.bytes());
                        } else {
                            Files.writeString(target, s.text());
                        }
                    }
                }
            } else {
                file = dir.resolve(source.path().getFileName());
                Files.write(file, mutation.bytes());
            }
            String what = "mutation " + i + " (" + mutation.description() + ") of " + source.path();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code =
                    SluiceCommand.execute(
                            new PrintWriter(out, true),
                            new PrintWriter(err, true),
                            "validate",
                            file.toString(),
                            "--catalog",
                            catalog.toString(),
                            "--policy",
                            policy.toString(),
                            "--audit-log",
                            dir.resolve("audit.jsonl").toString(),
                            "--var",
                            "CRM_JDBC_URL=jdbc:postgresql://crm-db.invalid:5432/crm",
                            "--var",
                            "CRM_USER=growth",
                            "--var",
                            "CRM_PASSWORD=unused");
            String all = out + "" + err;
            assertThat(code).as(what + ":\n" + all).isIn(0, 1, 2);
            assertThat(all)
                    .as(what)
                    .doesNotContain("internal error")
                    .doesNotContain("Exception in thread")
                    .doesNotContainPattern(STACK_FRAME);
            if (code == 1) {
                assertThat(all).as(what + ": a located problem").containsPattern(LOCATED);
            }
            outcomes[code]++;
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.printf(
                "SqlFuzzTest: %d mutations in %d s: %d valid, %d with located problems, %d usage%n",
                MUTATIONS, seconds, outcomes[0], outcomes[1], outcomes[2]);
    }

    record Mutation(String description, byte[] bytes) {}

    static Mutation mutate(String text, Random random) {
        String[] lines = text.split("\n", -1);
        switch (random.nextInt(7)) {
            case 0 -> {
                int at = random.nextInt(text.length() + 1);
                return utf8("truncated at " + at, text.substring(0, at));
            }
            case 1 -> {
                int line = random.nextInt(lines.length);
                List<String> l = new ArrayList<>(List.of(lines));
                l.remove(line);
                return utf8("line " + (line + 1) + " deleted", String.join("\n", l));
            }
            case 2 -> {
                int line = random.nextInt(lines.length);
                List<String> l = new ArrayList<>(List.of(lines));
                l.add(line, lines[line]);
                return utf8("line " + (line + 1) + " duplicated", String.join("\n", l));
            }
            case 3 -> {
                String[] tokens = text.split("(?<=\\s)|(?=\\s)", -1);
                List<Integer> words = new ArrayList<>();
                for (int t = 0; t < tokens.length; t++) {
                    if (!tokens[t].isBlank()) {
                        words.add(t);
                    }
                }
                int a = random.nextInt(words.size() - 1);
                int x = words.get(a);
                int y = words.get(a + 1);
                String swap = tokens[x];
                tokens[x] = tokens[y];
                tokens[y] = swap;
                return utf8(
                        "tokens " + a + " and " + (a + 1) + " swapped", String.join("", tokens));
            }
            case 4 -> {
                int at = random.nextInt(text.length() + 1);
                String insert = INSERTS[random.nextInt(INSERTS.length)];
                return utf8(
                        "'" + insert.replace("\n", "\\n") + "' inserted at " + at,
                        text.substring(0, at) + insert + text.substring(at));
            }
            case 5 -> {
                int at = random.nextInt(Math.max(1, text.length()));
                char c = (char) (32 + random.nextInt(95));
                return utf8(
                        "character " + at + " replaced by '" + c + "'",
                        text.substring(0, at)
                                + c
                                + text.substring(Math.min(text.length(), at + 1)));
            }
            default -> {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(bytes.length + 1);
                byte[] noise = new byte[1 + random.nextInt(8)];
                random.nextBytes(noise);
                byte[] out = new byte[bytes.length + noise.length];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(noise, 0, out, at, noise.length);
                System.arraycopy(bytes, at, out, at + noise.length, bytes.length - at);
                return new Mutation(noise.length + " random bytes at " + at, out);
            }
        }
    }

    private static Mutation utf8(String description, String text) {
        return new Mutation(description, text.getBytes(StandardCharsets.UTF_8));
    }
}
