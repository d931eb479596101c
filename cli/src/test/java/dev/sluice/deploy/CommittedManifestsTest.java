package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed manifests under {@code deploy/}: every file is a valid operator resource, and what
 * {@code kubectl kustomize} builds from each overlay is valid and equals what {@code sluice deploy
 * render} produces for the example pipeline, so the overlays and {@link DeployProfile} cannot
 * drift.
 */
class CommittedManifestsTest {
    static final Path DEPLOY = Path.of("..", "deploy");
    static final Path EXAMPLE =
            Path.of("..", "sql", "pipelines", "payments", "payments_to_warehouse.sql");
    static final String COMMITTED_TAG = "0.1.0";

    @Test
    void everyCommittedResourceFileIsValid() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DEPLOY.resolve("base"))) {
            files =
                    walk.filter(p -> p.toString().endsWith(".yaml"))
                            // kustomization.yaml and kustomizeconfig.yaml are kustomize's own files
                            .filter(p -> p.getFileName().toString().contains(".flink"))
                            .sorted()
                            .toList();
        }
        assertThat(files).hasSize(3);
        for (Path file : files) {
            List<ObjectNode> objects = ManifestYaml.read(Files.readString(file));
            assertThat(objects).as("%s", file).hasSize(1);
            OperatorSchemas.assertValid(objects.get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev/session", "prod", "prod/session"})
    void kustomizeOutputIsValidAndMatchesTheRenderer(String overlay) throws Exception {
        List<ObjectNode> built = kustomize(DEPLOY.resolve("overlays").resolve(overlay));
        DeployProfile profile = DeployProfile.named(overlay.split("/")[0]);
        boolean session = overlay.endsWith("/session");

        List<ObjectNode> flinkResources = new ArrayList<>();
        for (ObjectNode object : built) {
            if (object.path("kind").asText().equals("ConfigMap")) {
                ConfigMap configMap = new ObjectMapper().treeToValue(object, ConfigMap.class);
                assertThat(configMap.getMetadata().getName())
                        .isEqualTo(DeployProfile.PIPELINE_CONFIG_MAP);
                assertThat(configMap.getMetadata().getNamespace()).isEqualTo(profile.namespace());
                assertThat(configMap.getData()).containsOnlyKeys(profile.configVariables());
            } else {
                OperatorSchemas.assertValid(object);
                flinkResources.add(object);
            }
        }

        ManifestRenderer renderer = ManifestRenderer.create(profile, null, COMMITTED_TAG);
        PipelineDeployment example = PipelineSource.read(EXAMPLE);
        List<ObjectNode> expected = new ArrayList<>();
        if (session) {
            expected.add(renderer.sessionCluster());
        }
        expected.addAll(
                renderer.render(example, session ? DeployMode.SESSION : DeployMode.APPLICATION));

        assertThat(flinkResources).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            JsonNode got = flinkResources.get(i);
            assertThat(got.equals(NUMBERS_BY_VALUE, want))
                    .as(
                            "kustomize %s differs from sluice deploy render (after changing the example's header or"
                                    + " DeployProfile, re-render deploy/base with `./sluice deploy render"
                                    + " sql/pipelines/payments/payments_to_warehouse.sql --overlay dev"
                                    + " --image-tag 0.1.0 --mode application|session --out deploy/base/<mode>`, and"
                                    + " `--session-cluster` for the session cluster,"
                                    + " and adjust deploy/overlays/prod/env):%n%s%nvs%n%s",
                            overlay, got.toPrettyString(), want.toPrettyString())
                    .isTrue();
        }
    }

    @Test
    void secretsAreNeverInline() throws Exception {
        for (String overlay : List.of("dev", "dev/session", "prod", "prod/session")) {
            List<ObjectNode> objects = kustomize(DEPLOY.resolve("overlays").resolve(overlay));
            assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("Secret"));
            assertThat(ManifestYaml.toYaml(objects)).contains("secretKeyRef");
            for (ObjectNode object : objects) {
                for (JsonNode env : object.at("/spec/podTemplate/spec/containers/0/env")) {
                    if (!env.path("name").asText().equals("ENABLE_BUILT_IN_PLUGINS")) {
                        assertThat(env.has("value"))
                                .as("env %s of %s", env.path("name"), overlay)
                                .isFalse();
                    }
                }
            }
        }
    }

    /** 1 and 1.0 are the same number for Kubernetes (kustomize writes cpu: 1.0 as 1). */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
            (a, b) -> {
                if (a instanceof NumericNode && b instanceof NumericNode) {
                    return a.decimalValue().compareTo(b.decimalValue());
                }
                return a.equals(b) ? 0 : 1;
            };

    /**
     * Builds an overlay with the real kustomize inside kubectl (v1.32 on developer machines and CI)
     * when kubectl is installed, else with {@link KustomizeAssembly} (see deploy/README.md).
     */
    static List<ObjectNode> kustomize(Path overlay) throws Exception {
        return KUBECTL_PRESENT
                ? ManifestYaml.read(kubectlKustomize(overlay))
                : KustomizeAssembly.build(overlay);
    }

    static final boolean KUBECTL_PRESENT = kubectlPresent();

    private static boolean kubectlPresent() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code kubectl kustomize overlay}: the real kustomize. */
    static String kubectlKustomize(Path overlay) throws Exception {
        Process process = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).start();
        CompletableFuture<String> stderr =
                CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
        assertThat(process.exitValue())
                .as("kubectl kustomize %s: %s", overlay, stderr.get())
                .isZero();
        return stdout;
    }

    private static String read(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev/session", "prod", "prod/session"})
    void assemblyWithoutKubectlBuildsWhatKustomizeBuilds(String overlay) throws Exception {
        Path dir = DEPLOY.resolve("overlays").resolve(overlay);
        List<ObjectNode> assembled = KustomizeAssembly.build(dir);
        assembled.forEach(
                o -> {
                    if (!o.path("kind").asText().equals("ConfigMap")) {
                        OperatorSchemas.assertValid(o);
                    }
                });
        if (KUBECTL_PRESENT) {
            List<ObjectNode> real = ManifestYaml.read(kubectlKustomize(dir));
            assertThat(real).hasSameSizeAs(assembled);
            for (int i = 0; i < real.size(); i++) {
                assertThat(real.get(i).equals(NUMBERS_BY_VALUE, assembled.get(i)))
                        .as(
                                "%s object %d:%n%s%nvs%n%s",
                                overlay,
                                i,
                                real.get(i).toPrettyString(),
                                assembled.get(i).toPrettyString())
                        .isTrue();
            }
        }
    }

    @Test
    void exampleHeaderIsWhatTheBaseWasRenderedFrom() {
        PipelineDeployment example = PipelineSource.read(EXAMPLE);
        assertThat(example.name()).isEqualTo("payments-to-warehouse");
        assertThat(example.checkpointInterval()).isPositive().isLessThan(Duration.ofHours(1));
    }
}
