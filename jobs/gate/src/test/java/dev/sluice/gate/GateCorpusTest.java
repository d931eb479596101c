package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate corpus: every leak kind and bypass route the gate must catch, and compliant controls.
 * Each file's {@code -- @expect} header says {@code pass} or {@code reject <finding kind>}; files
 * named {@code ok_*} must pass, all others must be rejected. The corpus is judged as one dataset
 * graph, as {@code sluice validate DIR} judges a folder, so read-backs of other corpus pipelines'
 * sinks are judged on what those pipelines write.
 */
class GateCorpusTest {
    static final Path CORPUS = Path.of("src", "test", "resources", "gate-corpus");

    @TempDir static Path warehouse;

    private static Map<Path, GateReport> graphReports;

    static Stream<Path> corpus() throws IOException {
        return Files.list(CORPUS.resolve("pipelines")).sorted();
    }

    static PipelinePlanner planner() {
        return PipelinePlanner.withSetup(
                tEnv -> tEnv.loadModule("sluice", new CorpusFunctions.MaskingModule()));
    }

    static Pipeline load(Path file) {
        return load(file, warehouse);
    }

    static Pipeline load(Path file, Path warehouse) {
        return PipelineLoader.load(
                List.of(SqlFiles.read(CORPUS.resolve("catalog.sql"))),
                SqlFiles.read(file),
                Variables.builder()
                        .assignment("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1", false, "test")
                        .put("CORPUS_WAREHOUSE", warehouse.toUri().toString(), false, "test")
                        .build());
    }

    static Policy policy() {
        return PolicyLoader.load(List.of(CORPUS.resolve("policy.yaml")));
    }

    /** Every corpus pipeline decided in one dataset graph (planned once, shared by the cases). */
    static synchronized Map<Path, GateReport> graphReports() {
        if (graphReports == null) {
            try (Stream<Path> files = corpus()) {
                List<Path> paths = files.toList();
                List<Pipeline> pipelines = new ArrayList<>();
                paths.forEach(p -> pipelines.add(load(p)));
                List<GateCheck.Decision> decisions =
                        new GateCheck(policy(), planner(), null).decideAll(pipelines, "test");
                Map<Path, GateReport> out = new LinkedHashMap<>();
                for (int i = 0; i < paths.size(); i++) {
                    out.put(paths.get(i), decisions.get(i).report());
                }
                graphReports = out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return graphReports;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void gateDecidesAsExpected(Path file) {
        String expect = load(file).metadata().tags().get("expect");

        GateReport report = graphReports().get(file);

        if (expect.equals("pass")) {
            assertThat(report.findings())
                    .as(report.describe() + report.describeDatasets())
                    .isEmpty();
        } else {
            String kind = expect.substring("reject ".length());
            assertThat(report.passed()).as(report.describe() + report.describeDatasets()).isFalse();
            assertThat(report.findings())
                    .as(report.describe() + report.describeDatasets())
                    .anySatisfy(f -> assertThat(f.kind().id()).isEqualTo(kind));
        }
        assertThat(file.getFileName().toString().startsWith("ok_")).isEqualTo(report.passed());
        assertThat(report.graph()).isTrue();
    }

    @Test
    void aReadBackJudgedAloneUsesTheClassesThePolicyDeclaresForTheDataset() {
        Path file = CORPUS.resolve("pipelines").resolve("bypass_read_back_own_ddl.sql");

        GateReport alone = new PolicyGate(policy()).evaluate(planner().plan(load(file)));

        assertThat(alone.graph()).isFalse();
        assertThat(alone.findings())
                .as(alone.describe())
                .anySatisfy(
                        f -> {
                            assertThat(f.kind()).isEqualTo(Finding.Kind.LEAK);
                            assertThat(f.className()).isEqualTo("PCI.PAN");
                        });
        assertThat(alone.datasets())
                .containsEntry(
                        "default_catalog.default_database.rb (source)",
                        "kafka{cluster=main, topic=restricted.out} [dataset restricted.out, zone"
                                + " restricted, region eu-west-1]");
    }

    @Test
    void theGraphCarriesTheFormOfEachClass() {
        GateReport downstream =
                graphReports().get(CORPUS.resolve("pipelines").resolve("ok_pseudo_reader.sql"));

        assertThat(downstream.classesWritten()).containsExactly("PII.EMAIL");
        assertThat(downstream.datasets().get("default_catalog.default_database.pseudo_in (source)"))
                .contains(
                        "written by ["
                                + CORPUS.resolve("pipelines").resolve("ok_pseudo_writer.sql"));
    }

    @Test
    void theCorpusHoldsEnoughBypassAttemptsAndControls() throws IOException {
        try (Stream<Path> files = corpus()) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names.stream().filter(n -> n.startsWith("bypass_")).count())
                    .isGreaterThanOrEqualTo(25);
            assertThat(names.stream().filter(n -> n.startsWith("ok_")).count())
                    .isGreaterThanOrEqualTo(50);
        }
    }
}
