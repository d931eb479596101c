package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlScriptParser;
import dev.sluice.sql.StatementKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README and docs/ honest: every relative link (and its #anchor) resolves, every {@code
 * sql} example block parses with Sluice's splitter, and every block holding an INSERT validates
 * through {@code sluice validate} against the shipped catalog and policy — passing the gate, or
 * rejected by it where the text says so with {@code <!-- docs: rejected -->} just above the block.
 * Every {@code yaml} block that is a policy loads with the policy loader.
 */
class DocsTest {
    private static final Path REPOSITORY = Path.of("..");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```");
    private static final Set<String> POLICY_SECTIONS =
            Set.of(
                    "version",
                    "classes",
                    "detection",
                    "drift",
                    "kafka_clusters",
                    "unmapped_sources",
                    "sources",
                    "sinks",
                    "classifications",
                    "rules",
                    "teams",
                    "regions",
                    "retention",
                    "subjects");

    @TempDir Path temp;

    record Block(Path file, int line, String lang, String text, boolean rejected) {
        String where() {
            return REPOSITORY.relativize(file) + ":" + line;
        }
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(REPOSITORY.resolve("README.md"));
        pages.add(REPOSITORY.resolve("deploy/README.md"));
        try (Stream<Path> docs = Files.list(REPOSITORY.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    static List<Block> blocks(Path page) throws IOException {
        String text = Files.readString(page);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String before = text.substring(0, m.start());
            int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
            String lead = before.substring(Math.max(0, before.length() - 80));
            blocks.add(
                    new Block(
                            page,
                            line,
                            m.group(1),
                            m.group(2),
                            lead.contains("<!-- docs: rejected -->")));
        }
        return blocks;
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages()) {
            String text = withoutCodeBlocks(Files.readString(page));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not checked offline
                }
                links++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(REPOSITORY.relativize(page) + ": " + target + " (no such file)");
                } else if (anchor != null
                        && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(anchor)) {
                    broken.add(REPOSITORY.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(links).isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void everySqlExampleParsesAndEveryExamplePipelineValidates() throws IOException {
        int pipelines = 0;
        int sqlBlocks = 0;
        for (Path page : pages()) {
            for (Block block : blocks(page)) {
                if (!block.lang().equals("sql")) {
                    continue;
                }
                sqlBlocks++;
                var script = SqlScriptParser.parse(new SourceText(block.where(), block.text()));
                boolean hasInsert =
                        script.statements().stream()
                                .anyMatch(s -> s.kind() == StatementKind.INSERT);
                if (!hasInsert) {
                    assertThat(block.rejected()).as(block.where()).isFalse();
                    continue;
                }
                pipelines++;
                Path file = temp.resolve("docs_example_" + pipelines + ".sql");
                Files.writeString(file, block.text());
                ValidateCommandTest.Run run =
                        ValidateCommandTest.sluice(
                                "validate",
                                file.toString(),
                                "--catalog",
                                REPOSITORY.resolve("sql/catalog").toString(),
                                "--policy",
                                REPOSITORY.resolve("sql/policy").toString(),
                                "--audit-log",
                                temp.resolve("audit.jsonl").toString());
                String output = block.where() + "\n" + run.out() + run.err();
                if (block.rejected()) {
                    assertThat(run.exitCode()).as(output).isEqualTo(ExitCodes.INVALID);
                    assertThat(run.out() + run.err()).as(output).contains("error: policy gate:");
                } else {
                    assertThat(run.exitCode()).as(output).isEqualTo(ExitCodes.OK);
                    assertThat(run.out()).as(output).contains("policy gate: PASS");
                }
            }
        }
        assertThat(sqlBlocks).isGreaterThan(3);
        assertThat(pipelines).as("example pipelines in the docs").isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyPolicyExampleLoads() throws IOException {
        int policies = 0;
        for (Path page : pages()) {
            for (Block block : blocks(page)) {
                if (!block.lang().equals("yaml") || !isPolicy(block.text())) {
                    continue;
                }
                policies++;
                Path file = temp.resolve("docs_policy_" + policies + ".yaml");
                Files.writeString(file, block.text());
                try {
                    PolicyLoader.load(List.of(file));
                } catch (RuntimeException e) {
                    throw new AssertionError(block.where() + ": " + e.getMessage(), e);
                }
            }
        }
        assertThat(policies).as("policy examples in the docs").isGreaterThanOrEqualTo(1);
    }

    private static boolean isPolicy(String yaml) {
        for (String line : yaml.split("\n")) {
            Matcher key = Pattern.compile("^([a-z_]+):").matcher(line);
            if (key.find()) {
                return POLICY_SECTIONS.contains(key.group(1));
            }
        }
        return false;
    }

    private static String withoutCodeBlocks(String markdown) {
        return BLOCK.matcher(markdown).replaceAll("").replaceAll("`[^`\\n]*`", "");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : withoutCodeBlocksKeepHeadings(Files.readString(page)).split("\n")) {
            if (line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
                String slug = title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                String unique = slug;
                for (int i = 1; anchors.contains(unique); i++) {
                    unique = slug + "-" + i;
                }
                anchors.add(unique);
            }
        }
        return anchors;
    }

    private static String withoutCodeBlocksKeepHeadings(String markdown) {
        return BLOCK.matcher(markdown).replaceAll("");
    }
}
