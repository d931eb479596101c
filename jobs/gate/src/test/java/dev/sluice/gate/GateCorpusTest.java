package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate corpus: every leak kind the gate must catch, each with a compliant twin. Each file's
 * {@code -- @expect} header says {@code pass} or {@code reject <rule id>}.
 */
class GateCorpusTest {
    static final Path CORPUS = Path.of("src", "test", "resources", "gate-corpus");

    static Stream<Path> corpus() throws IOException {
        return Files.list(CORPUS.resolve("pipelines")).sorted();
    }

    static PipelinePlanner planner() {
        return PipelinePlanner.withSetup(
                tEnv -> tEnv.loadModule("sluice", new CorpusFunctions.MaskingModule()));
    }

    static Pipeline load(Path file) {
        return PipelineLoader.load(
                List.of(SqlFiles.read(CORPUS.resolve("catalog.sql"))),
                SqlFiles.read(file),
                Variables.builder()
                        .assignment("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1", false, "test")
                        .build());
    }

    static Policy policy() {
        return PolicyLoader.load(List.of(CORPUS.resolve("policy.yaml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void gateDecidesAsExpected(Path file) {
        Pipeline pipeline = load(file);
        String expect = pipeline.metadata().tags().get("expect");

        GateReport report = new PolicyGate(policy()).evaluate(planner().plan(pipeline));

        if (expect.equals("pass")) {
            assertThat(report.findings()).as(report.describe()).isEmpty();
        } else {
            String kind = expect.substring("reject ".length());
            assertThat(report.passed()).as(report.describe()).isFalse();
            assertThat(report.findings())
                    .as(report.describe())
                    .anySatisfy(f -> assertThat(f.kind().id()).isEqualTo(kind));
        }
        assertThat(file.getFileName().toString().startsWith("ok_")).isEqualTo(report.passed());
    }
}
