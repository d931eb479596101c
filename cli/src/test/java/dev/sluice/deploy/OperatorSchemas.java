package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkSessionJob;

/**
 * Checks manifests against the Flink Kubernetes Operator's own API: the CRD OpenAPI schemas shipped
 * in {@code flink-kubernetes-operator-api} (made strict: objects without {@code
 * x-kubernetes-preserve-unknown-fields} reject unknown fields, as the API server prunes or rejects
 * them), the Kubernetes object envelope (apiVersion, kind, metadata.name rules), the fields the
 * operator's validator requires, and deserialization into the operator's model classes.
 */
final class OperatorSchemas {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper MODEL =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** DNS-1035 label of at most 45 characters: the operator's rule for FlinkDeployment names. */
    static final String DEPLOYMENT_NAME = "^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$";

    /** RFC 1123 label: the Kubernetes rule for names of most objects, at most 63 characters. */
    static final String RFC_1123_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

    private static final Map<String, JsonSchema> SCHEMAS =
            Map.of(
                    "FlinkDeployment",
                    schema(
                            "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml",
                            "FlinkDeployment",
                            DEPLOYMENT_NAME),
                    "FlinkSessionJob",
                    schema(
                            "META-INF/fabric8/flinksessionjobs.flink.apache.org-v1.yml",
                            "FlinkSessionJob",
                            RFC_1123_LABEL));

    private OperatorSchemas() {}

    /** Every problem of {@code resource}: schema messages, then model errors; empty when valid. */
    static List<String> problems(JsonNode resource) {
        String kind = resource.path("kind").asText();
        JsonSchema schema = SCHEMAS.get(kind);
        if (schema == null) {
            return List.of(
                    "kind: unknown kind '" + kind + "', expected one of " + SCHEMAS.keySet());
        }
        Set<String> problems = new TreeSet<>();
        for (ValidationMessage message : schema.validate(resource)) {
            problems.add(message.getMessage());
        }
        problems.addAll(operatorRules(resource));
        if (problems.isEmpty()) {
            try {
                Class<?> model =
                        kind.equals("FlinkDeployment")
                                ? FlinkDeployment.class
                                : FlinkSessionJob.class;
                MODEL.treeToValue(resource, model);
            } catch (IOException e) {
                problems.add("model: " + e.getMessage());
            }
        }
        return List.copyOf(problems);
    }

    /**
     * Cross-field rules of the operator's validator that a JSON schema cannot say simply: forbidden
     * configuration keys, a savepoint directory for savepoint upgrades, HA for standby JobManagers,
     * and a new job starting in the running state.
     */
    static List<String> operatorRules(JsonNode resource) {
        List<String> problems = new ArrayList<>();
        JsonNode conf = resource.at("/spec/flinkConfiguration");
        for (String forbidden : List.of("kubernetes.namespace", "kubernetes.cluster-id")) {
            if (conf.has(forbidden)) {
                problems.add(
                        "spec.flinkConfiguration: forbidden key "
                                + forbidden
                                + " (the operator sets it from metadata)");
            }
        }
        JsonNode job = resource.at("/spec/job");
        boolean savepointDir =
                conf.has("state.savepoints.dir")
                        || conf.has("execution.checkpointing.savepoint-dir");
        if (job.path("upgradeMode").asText().equals("savepoint")
                && resource.path("kind").asText().equals("FlinkDeployment")
                && !savepointDir) {
            problems.add(
                    "spec.job.upgradeMode: savepoint needs state.savepoints.dir in"
                            + " spec.flinkConfiguration, e.g. s3://bucket/savepoints/<name>");
        }
        if (resource.at("/spec/jobManager/replicas").asInt(1) > 1
                && !conf.path("high-availability.type").asText().equals("kubernetes")) {
            problems.add(
                    "spec.jobManager.replicas: standby JobManagers need high-availability.type:"
                            + " kubernetes in spec.flinkConfiguration");
        }
        if (!job.isMissingNode() && !job.path("state").asText().equals("running")) {
            problems.add("spec.job.state: a new job must start as running");
        }
        return problems;
    }

    /** Asserts that {@code resource} passes the schema and deserializes into the model. */
    static void assertValid(JsonNode resource) {
        assertThat(problems(resource))
                .as("problems of %s %s", resource.path("kind"), resource.at("/metadata/name"))
                .isEmpty();
    }

    static FlinkDeployment deployment(JsonNode resource) {
        assertValid(resource);
        try {
            return MODEL.treeToValue(resource, FlinkDeployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FlinkSessionJob sessionJob(JsonNode resource) {
        assertValid(resource);
        try {
            return MODEL.treeToValue(resource, FlinkSessionJob.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonSchema schema(String crdResource, String kind, String namePattern) {
        JsonNode crd;
        try (InputStream in =
                OperatorSchemas.class.getClassLoader().getResourceAsStream(crdResource)) {
            assertThat(in).as("CRD %s on the test class path", crdResource).isNotNull();
            crd = YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode version = null;
        for (JsonNode candidate : crd.at("/spec/versions")) {
            if (candidate.path("storage").asBoolean()) {
                version = candidate;
            }
        }
        assertThat(version).as("storage version of %s", crdResource).isNotNull();
        assertThat(ManifestRenderer.API_VERSION)
                .isEqualTo(crd.at("/spec/group").asText() + "/" + version.path("name").asText());

        ObjectNode root = strict(version.at("/schema/openAPIV3Schema").deepCopy());
        ObjectNode properties = (ObjectNode) root.get("properties");
        properties.putObject("apiVersion").put("const", ManifestRenderer.API_VERSION);
        properties.putObject("kind").put("const", kind);
        properties.set("metadata", metadataSchema(namePattern));
        requireAll(root, "apiVersion", "kind", "metadata", "spec");
        operatorRequirements(kind, (ObjectNode) properties.get("spec"));
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root);
    }

    /**
     * The object metadata rules of the Kubernetes API server (the CRD schema leaves metadata to
     * it).
     */
    private static ObjectNode metadataSchema(String namePattern) {
        ObjectNode metadata = JSON.objectNode();
        metadata.put("type", "object");
        metadata.put("additionalProperties", false);
        ObjectNode properties = metadata.putObject("properties");
        properties.putObject("name").put("type", "string").put("pattern", namePattern);
        properties.putObject("namespace").put("type", "string").put("pattern", RFC_1123_LABEL);
        ObjectNode labels = properties.putObject("labels");
        labels.put("type", "object");
        ObjectNode labelKeys = labels.putObject("propertyNames");
        labelKeys.put(
                "pattern", "^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
        ObjectNode labelValue = labels.putObject("additionalProperties");
        labelValue.put("type", "string");
        labelValue.put("pattern", "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$");
        ObjectNode annotations = properties.putObject("annotations");
        annotations.put("type", "object");
        annotations.putObject("additionalProperties").put("type", "string");
        requireAll(metadata, "name");
        return metadata;
    }

    /**
     * Fields the operator's validator rejects a resource without (they are optional in the CRD),
     * and the rules Sluice adds: a savepoint upgrade mode needs the savepoint directory.
     */
    private static void operatorRequirements(String kind, ObjectNode spec) {
        ObjectNode specProperties = (ObjectNode) spec.get("properties");
        ObjectNode job = (ObjectNode) specProperties.get("job");
        requireAll(job, "jarURI", "entryClass", "parallelism", "upgradeMode", "state");
        ((ObjectNode) job.at("/properties/parallelism")).put("minimum", 1);
        if (kind.equals("FlinkDeployment")) {
            requireAll(
                    spec, "image", "flinkVersion", "serviceAccount", "jobManager", "taskManager");
            for (String component : List.of("jobManager", "taskManager")) {
                ObjectNode resource =
                        (ObjectNode) specProperties.at("/" + component + "/properties/resource");
                requireAll(resource, "cpu", "memory");
                requireAll((ObjectNode) specProperties.get(component), "resource");
            }
        } else {
            requireAll(spec, "deploymentName", "job");
            ((ObjectNode) specProperties.get("deploymentName")).put("pattern", DEPLOYMENT_NAME);
        }
    }

    private static void requireAll(ObjectNode schema, String... fields) {
        ArrayNode required =
                schema.has("required")
                        ? (ArrayNode) schema.get("required")
                        : schema.putArray("required");
        for (String field : fields) {
            required.add(field);
        }
    }

    /**
     * Closes every object schema that lists its properties and does not preserve unknown fields,
     * and drops the Kubernetes extension keywords the validator does not know.
     */
    private static ObjectNode strict(ObjectNode schema) {
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        Iterator<String> names = schema.fieldNames();
        while (names.hasNext()) {
            if (names.next().startsWith("x-kubernetes-")) {
                names.remove();
            }
        }
        if (schema.has("properties")) {
            schema.get("properties").forEach(property -> strict((ObjectNode) property));
        }
        // an object that declares neither its fields nor a value schema keeps nothing in the API
        // server (structural pruning): only the empty object survives unchanged
        boolean object = schema.has("properties") || schema.path("type").asText().equals("object");
        if (object && !preserveUnknown && !schema.has("additionalProperties")) {
            schema.put("additionalProperties", false);
        }
        if (schema.get("additionalProperties") instanceof ObjectNode values) {
            strict(values);
        }
        if (schema.get("items") instanceof ObjectNode items) {
            strict(items);
        }
        if (schema.get("anyOf") instanceof ArrayNode anyOf) {
            anyOf.forEach(option -> strict((ObjectNode) option));
        }
        return schema;
    }
}
