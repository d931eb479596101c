package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The schema check itself must catch what the API server and the operator would reject. */
class OperatorSchemasTest {
    private static final PipelineDeployment PIPELINE =
            PipelineDeployment.of(
                    "pipelines/payments/payments_to_warehouse.sql",
                    "payments-to-warehouse",
                    "payments",
                    2,
                    Duration.ofSeconds(30));

    private static ObjectNode rendered(DeployMode mode) {
        return ManifestRenderer.create(DeployProfile.PROD, null, "0.1.0")
                .render(PIPELINE, mode)
                .get(0);
    }

    private static void assertRejected(
            DeployMode mode, Consumer<ObjectNode> breakIt, String expectedProblem) {
        ObjectNode resource = rendered(mode);
        OperatorSchemas.assertValid(resource);
        breakIt.accept(resource);
        assertThat(OperatorSchemas.problems(resource))
                .as("problems after breaking the %s", mode.label())
                .anySatisfy(problem -> assertThat(problem).contains(expectedProblem));
    }

    @Test
    void unknownFieldInSpecIsRejected() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.get("spec")).put("parallelism", 4),
                "parallelism");
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.at("/spec/job")).put("upgrade", "savepoint"),
                "upgrade");
    }

    @Test
    void unknownFieldDeepInThePodTemplateIsRejected() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/podTemplate/spec/containers/0")).put("envs", "x"),
                "envs");
    }

    @Test
    void unknownTopLevelAndMetadataFieldsAreRejected() {
        assertRejected(DeployMode.APPLICATION, r -> r.put("specs", "x"), "specs");
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.get("metadata")).put("label", "x"),
                "label");
    }

    @Test
    void wrongTypesAreRejected() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/job")).put("parallelism", "two"),
                "parallelism");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/flinkConfiguration")).put("parallelism.default", 2),
                "parallelism.default");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/taskManager/resource")).put("cpu", "two"),
                "cpu");
    }

    @Test
    void enumValuesAreChecked() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/job")).put("upgradeMode", "checkpoint"),
                "upgradeMode");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.get("spec")).put("flinkVersion", "v1_99"),
                "flinkVersion");
    }

    @Test
    void invalidNamesAreRejected() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.get("metadata")).put("name", "Payments_To_Warehouse"),
                "name");
        // a DNS-1035 label of 46 characters: valid for Kubernetes, too long for the operator
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.get("metadata")).put("name", "a".repeat(46)),
                "name");
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.get("metadata")).put("name", "x".repeat(64)),
                "name");
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.at("/metadata/labels")).put("sluice.dev/owner", "team a"),
                "sluice.dev/owner");
    }

    @Test
    void missingRequiredFieldsAreRejected() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.get("metadata")).remove("name"),
                "name");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.get("spec")).remove("flinkVersion"),
                "flinkVersion");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/job")).remove("jarURI"),
                "jarURI");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/taskManager/resource")).remove("memory"),
                "memory");
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.get("spec")).remove("deploymentName"),
                "deploymentName");
        assertRejected(DeployMode.SESSION, r -> r.remove("apiVersion"), "apiVersion");
    }

    @Test
    void wrongApiVersionOrKindIsRejected() {
        assertRejected(
                DeployMode.APPLICATION,
                r -> r.put("apiVersion", "flink.apache.org/v1"),
                "apiVersion");
        assertThat(
                        OperatorSchemas.problems(
                                rendered(DeployMode.APPLICATION).put("kind", "FlinkCluster")))
                .singleElement()
                .asString()
                .contains("unknown kind");
    }

    @Test
    void parallelismZeroIsRejected() {
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.at("/spec/job")).put("parallelism", 0),
                "parallelism");
    }

    @Test
    void operatorCrossFieldRulesAreChecked() {
        assertRejected(
                DeployMode.APPLICATION,
                r ->
                        ((ObjectNode) r.at("/spec/flinkConfiguration"))
                                .put("kubernetes.cluster-id", "x"),
                "forbidden key kubernetes.cluster-id");
        assertRejected(
                DeployMode.APPLICATION,
                r -> ((ObjectNode) r.at("/spec/flinkConfiguration")).remove("state.savepoints.dir"),
                "savepoint needs state.savepoints.dir");
        assertRejected(
                DeployMode.APPLICATION,
                r ->
                        ((ObjectNode) r.at("/spec/flinkConfiguration"))
                                .remove("high-availability.type"),
                "standby JobManagers need high-availability.type");
        assertRejected(
                DeployMode.SESSION,
                r -> ((ObjectNode) r.at("/spec/job")).put("state", "suspended"),
                "must start as running");
    }
}
