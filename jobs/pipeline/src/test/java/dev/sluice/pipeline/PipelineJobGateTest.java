package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gate.GateRejectedException;
import dev.sluice.gate.GateReport;
import dev.sluice.gate.PipelinePlanner;
import dev.sluice.sql.Pipeline;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pipeline job checks itself against the policy before it starts anything. */
class PipelineJobGateTest {
    @TempDir Path temp;

    PipelineJob.Arguments arguments(String pipeline) {
        return CommandLine.populateCommand(
                new PipelineJob.Arguments(),
                pipeline,
                "--catalog",
                "../../sql/catalog",
                "--var",
                "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                "--var",
                "ICEBERG_CATALOG_TYPE=hadoop",
                "--var",
                "ICEBERG_WAREHOUSE=" + temp.toUri(),
                "--policy",
                "../../sql/policy");
    }

    @Test
    void refusesToStartALeakyPipeline() {
        PipelineJob.Arguments arguments =
                arguments("../gate/src/test/resources/gate/leaky_payments.sql");
        Pipeline pipeline = PipelineJob.load(arguments);

        assertThatThrownBy(
                        () ->
                                PipelineJob.checkPolicy(
                                        arguments, pipeline, PipelinePlanner.create()))
                .isInstanceOf(GateRejectedException.class)
                .hasMessageContaining("REJECT")
                .hasMessageContaining("warehouse.payments.cards.card_number");
    }

    @Test
    void startsTheExamplePipelineWithThePolicyBuiltIntoTheJar() {
        PipelineJob.Arguments arguments =
                arguments("../../sql/pipelines/payments/payments_to_warehouse.sql");
        arguments.policy = List.of(); // classpath:sql/policy, as in the job jar
        Pipeline pipeline = PipelineJob.load(arguments);

        GateReport report = PipelineJob.checkPolicy(arguments, pipeline, PipelinePlanner.create());

        assertThat(report.passed()).as(report.describe()).isTrue();
    }
}
