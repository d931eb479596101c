package dev.sluice.benchmarks;

import dev.sluice.gate.GateCheck;
import dev.sluice.gate.GateReport;
import dev.sluice.gate.PipelinePlanner;
import dev.sluice.gate.PolicySources;
import dev.sluice.policy.model.Policy;
import dev.sluice.sql.BoundScript;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.PipelineStatements;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.StatementKind;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * In-JVM timing of the gate for {@code benchmarks/gate-validate.sh}: (1) the gate on one pipeline
 * (plan, identities, lineage, decision) against plain planning of the same statements (a fresh
 * environment, the catalog, every INSERT compiled); (2) the dataset graph of a folder against
 * deciding its files one by one. Warms up once, then prints the median of {@code runs} rounds.
 *
 * <pre>GateBenchmark CATALOG_DIR POLICY_DIR PIPELINE_FILE GRAPH_DIR RUNS WAREHOUSE_URI</pre>
 */
public final class GateBenchmark {
    private GateBenchmark() {}

    public static void main(String[] args) throws IOException {
        List<SourceText> catalog = SqlFiles.readCatalog(args[0]);
        Policy policy = PolicySources.load(List.of(args[1]));
        Path pipelineFile = Path.of(args[2]);
        Path graphDir = Path.of(args[3]);
        int runs = Integer.parseInt(args[4]);
        Variables variables =
                Variables.builder()
                        .put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", false, "benchmark")
                        .put("ICEBERG_CATALOG_TYPE", "hadoop", false, "benchmark")
                        .put("ICEBERG_WAREHOUSE", args[5], false, "benchmark")
                        .build();
        Pipeline pipeline = PipelineLoader.load(catalog, SqlFiles.read(pipelineFile), variables);
        List<Pipeline> graph = new ArrayList<>();
        try (Stream<Path> files = Files.list(graphDir)) {
            for (Path f : files.sorted().toList()) {
                graph.add(PipelineLoader.load(catalog, SqlFiles.read(f), variables));
            }
        }
        GateCheck gate = new GateCheck(policy, PipelinePlanner.create(), null);

        // warm-up: class loading and JIT for both sides
        plainPlanning(pipeline);
        requirePass(gate.check(pipeline, "benchmark"));
        double[] plain = new double[runs];
        double[] gated = new double[runs];
        double[] oneByOne = new double[runs];
        double[] asGraph = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            plainPlanning(pipeline);
            long t1 = System.nanoTime();
            requirePass(gate.check(pipeline, "benchmark"));
            long t2 = System.nanoTime();
            for (Pipeline p : graph) {
                requirePass(gate.check(p, "benchmark"));
            }
            long t3 = System.nanoTime();
            gate.decideAll(graph, "benchmark").forEach(d -> requirePass(d.report()));
            long t4 = System.nanoTime();
            plain[r] = (t1 - t0) / 1e9;
            gated[r] = (t2 - t1) / 1e9;
            oneByOne[r] = (t3 - t2) / 1e9;
            asGraph[r] = (t4 - t3) / 1e9;
            System.out.printf(
                    "round %d: plain planning %.2f s, gate %.2f s; %d files one by one %.2f s,"
                            + " as one dataset graph %.2f s%n",
                    r + 1, plain[r], gated[r], graph.size(), oneByOne[r], asGraph[r]);
        }
        System.out.println();
        System.out.println(
                "| in one JVM, median of "
                        + runs
                        + " rounds | median (s) | baseline | median (s) | ratio | bound |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.printf(
                "| gate, %d INSERTs | %.2f | plain planning | %.2f | %.2f | <= 1.3 |%n",
                pipeline.inserts().size(),
                median(gated),
                median(plain),
                median(gated) / median(plain));
        System.out.printf(
                "| dataset graph, %d files | %.2f | one by one | %.2f | %.2f | <= 2 |%n",
                graph.size(),
                median(asGraph),
                median(oneByOne),
                median(asGraph) / median(oneByOne));
    }

    /** Plans the statements as the gate does, without lineage, identities or decision. */
    static void plainPlanning(Pipeline pipeline) {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        for (BoundScript script : pipeline.catalog()) {
            for (BoundStatement s : script.statements()) {
                PipelineStatements.run(tEnv, s, pipeline.variables());
            }
        }
        for (BoundStatement s : pipeline.pipeline().statements()) {
            if (s.kind() == StatementKind.INSERT) {
                tEnv.compilePlanSql(s.sql()).asJsonString();
            } else {
                PipelineStatements.run(tEnv, s, pipeline.variables());
            }
        }
    }

    private static void requirePass(GateReport report) {
        if (!report.passed()) {
            throw new IllegalStateException("benchmark pipeline rejected:\n" + report.describe());
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
