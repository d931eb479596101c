package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkSessionJob;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example pipeline and the fixtures, in both modes and both overlays, against the operator
 * API.
 */
class ManifestRendererTest {
    /** The repository's pipelines: whatever the lead and the teams have committed. */
    static final Path REPOSITORY_PIPELINES = Path.of("..", "sql", "pipelines");

    static final Path FIXTURE =
            Path.of(
                    "src/test/resources/deploy/sql/pipelines/fixtures/Orders.Enriched_To-Mirror.sql");

    static List<Path> pipelineFiles() {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(REPOSITORY_PIPELINES)) {
            try (Stream<Path> walk = Files.walk(REPOSITORY_PIPELINES)) {
                walk.filter(p -> p.toString().endsWith(".sql")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        files.add(FIXTURE);
        return files;
    }

    static Stream<Arguments> everyPipelineModeAndOverlay() {
        List<Arguments> cases = new ArrayList<>();
        for (Path file : pipelineFiles()) {
            for (DeployMode mode : DeployMode.values()) {
                for (DeployProfile profile : List.of(DeployProfile.DEV, DeployProfile.PROD)) {
                    cases.add(Arguments.of(file, mode, profile.name()));
                }
            }
        }
        return cases.stream();
    }

    /** Variables the overlay does not provide: they must come from a pipeline's own Secret. */
    private static List<String> ownSecrets(PipelineDeployment pipeline, DeployProfile profile) {
        return pipeline.variables().stream()
                .filter(v -> !profile.configVariables().contains(v))
                .filter(
                        v ->
                                profile.sharedSecrets().stream()
                                        .noneMatch(s -> s.variable().equals(v)))
                .toList();
    }

    /**
     * Binds each of them, as a deployer would with --secret, to a Secret named after the pipeline.
     */
    private static PipelineDeployment withSecretBindings(
            PipelineDeployment pipeline, DeployProfile profile) {
        List<SecretRef> bindings =
                ownSecrets(pipeline, profile).stream()
                        .map(
                                v ->
                                        new SecretRef(
                                                v,
                                                pipeline.name(),
                                                v.toLowerCase().replace('_', '-')))
                        .toList();
        return pipeline.withSecrets(pipeline.variables(), bindings);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyPipelineModeAndOverlay")
    void rendersValidOperatorResources(Path file, DeployMode mode, String overlay) {
        DeployProfile profile = DeployProfile.named(overlay);
        PipelineDeployment read = PipelineSource.read(file);
        List<String> ownSecrets = ownSecrets(read, profile);
        if (mode == DeployMode.SESSION && !ownSecrets.isEmpty()) {
            // a session job cannot add Secrets to the shared cluster's pods
            assertThatThrownBy(
                            () ->
                                    ManifestRenderer.create(profile, null, "1.2.3")
                                            .render(read, mode))
                    .hasMessageContaining("Undeclared secret: " + ownSecrets.get(0));
            return;
        }
        PipelineDeployment pipeline =
                mode == DeployMode.APPLICATION ? withSecretBindings(read, profile) : read;
        ManifestRenderer renderer = ManifestRenderer.create(profile, null, "1.2.3");
        List<ObjectNode> objects = renderer.render(pipeline, mode);
        // through YAML and back, as kubectl would read it
        List<ObjectNode> fromYaml = ManifestYaml.read(ManifestYaml.toYaml(objects));
        assertThat(fromYaml).isEqualTo(objects).hasSize(1);
        ObjectNode resource = fromYaml.get(0);

        assertThat(resource.at("/metadata/labels/sluice.dev~1owner").asText())
                .isEqualTo(pipeline.owner());
        assertThat(resource.at("/metadata/labels/sluice.dev~1classification").asText())
                .isEqualTo("unchecked");
        assertThat(resource.at("/metadata/namespace").asText()).isEqualTo(profile.namespace());
        if (mode == DeployMode.APPLICATION) {
            FlinkDeployment deployment = OperatorSchemas.deployment(resource);
            assertThat(deployment.getSpec().getJob().getUpgradeMode())
                    .isEqualTo(UpgradeMode.SAVEPOINT);
            assertThat(deployment.getSpec().getJob().getParallelism())
                    .isEqualTo(pipeline.parallelism());
            assertThat(deployment.getSpec().getImage())
                    .isEqualTo(profile.imageRepository() + ":1.2.3");
            assertThat(deployment.getSpec().getFlinkConfiguration())
                    .containsEntry("high-availability.type", "kubernetes")
                    .containsEntry(
                            "state.checkpoints.dir",
                            profile.stateBucket() + "/checkpoints/" + pipeline.name())
                    .containsEntry(
                            "state.savepoints.dir",
                            profile.stateBucket() + "/savepoints/" + pipeline.name())
                    .containsEntry(
                            "execution.checkpointing.interval",
                            ManifestRenderer.flinkDuration(pipeline.checkpointInterval()))
                    .containsKey("restart-strategy.type");
            List<String> expectedArgs = new ArrayList<>();
            expectedArgs.add("/opt/flink/usrlib/sql/" + pipeline.sqlResource());
            for (String secret : ownSecrets) {
                // the job redacts secret environment variables it is told about
                expectedArgs.addAll(List.of("--secret-env", secret));
            }
            assertThat(deployment.getSpec().getJob().getArgs())
                    .containsExactlyElementsOf(expectedArgs);
            // secrets only by reference, never a value
            var env =
                    deployment.getSpec().getPodTemplate().getSpec().getContainers().get(0).getEnv();
            assertThat(env)
                    .filteredOn(e -> !e.getName().equals("ENABLE_BUILT_IN_PLUGINS"))
                    .allSatisfy(
                            e -> {
                                assertThat(e.getValue()).isNull();
                                assertThat(e.getValueFrom().getSecretKeyRef()).isNotNull();
                            });
        } else {
            FlinkSessionJob job = OperatorSchemas.sessionJob(resource);
            assertThat(job.getSpec().getDeploymentName()).isEqualTo(profile.sessionClusterName());
            assertThat(job.getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
            assertThat(job.getSpec().getJob().getArgs())
                    .containsExactly("classpath:sql/" + pipeline.sqlResource());
            assertThat(job.getSpec().getJob().getJarURI())
                    .isEqualTo(profile.artifactRoot() + "/sluice-jobs-1.2.3.jar");
        }
    }

    @Test
    void sessionClusterOfEveryOverlayIsValid() {
        for (DeployProfile profile : List.of(DeployProfile.DEV, DeployProfile.PROD)) {
            FlinkDeployment cluster =
                    OperatorSchemas.deployment(
                            ManifestRenderer.create(profile, null, "1.2.3").sessionCluster());
            assertThat(cluster.getSpec().getJob()).isNull();
            assertThat(cluster.getSpec().getFlinkConfiguration())
                    .containsEntry("high-availability.type", "kubernetes");
        }
    }

    @Test
    void maintenanceJobOfEveryOverlayIsValid() {
        for (DeployProfile profile : List.of(DeployProfile.DEV, DeployProfile.PROD)) {
            FlinkDeployment deployment =
                    OperatorSchemas.deployment(
                            ManifestRenderer.create(profile, null, "1.2.3")
                                    .maintenanceDeployment(
                                            "jdbc:postgresql://postgres:5432/sluice",
                                            "sluice",
                                            SecretRef.parse(
                                                    "SLUICE_LOCK_PASSWORD=sluice-lock/password")));
            assertThat(deployment.getMetadata().getName()).isEqualTo("sluice-maintenance");
            assertThat(deployment.getSpec().getJob().getEntryClass())
                    .isEqualTo("dev.sluice.lifecycle.MaintainJob");
            assertThat(deployment.getSpec().getJob().getArgs())
                    .containsSequence("--lock-jdbc-url", "jdbc:postgresql://postgres:5432/sluice")
                    .containsSequence("--lock-password-env", "SLUICE_LOCK_PASSWORD")
                    .doesNotContain("password");
            assertThat(deployment.getSpec().getJob().getParallelism()).isEqualTo(1);
        }
        assertThatThrownBy(
                        () ->
                                ManifestRenderer.create(DeployProfile.DEV, null, "1.2.3")
                                        .maintenanceDeployment("postgres:5432", null, null))
                .isInstanceOf(DeployRenderException.class)
                .hasMessageContaining("--lock-jdbc-url");
    }

    @Test
    void maintenanceJobReadsThePipelinesOfItsJdbcTablesWithTheirSecretsByReference() {
        PipelineDeployment crm =
                PipelineSource.read(REPOSITORY_PIPELINES.resolve("growth/customers_to_crm.sql"));
        crm =
                crm.withSecrets(
                        crm.variables(),
                        List.of(
                                SecretRef.parse("CRM_JDBC_URL=crm/url"),
                                SecretRef.parse("CRM_USER=crm/user"),
                                SecretRef.parse("CRM_PASSWORD=crm/password")));
        FlinkDeployment deployment =
                OperatorSchemas.deployment(
                        ManifestRenderer.create(DeployProfile.PROD, null, "1.2.3")
                                .maintenanceDeployment(
                                        "jdbc:postgresql://postgres:5432/sluice",
                                        "sluice",
                                        SecretRef.parse(
                                                "SLUICE_LOCK_PASSWORD=sluice-lock/password"),
                                        List.of(crm)));
        assertThat(deployment.getSpec().getJob().getArgs())
                .containsSequence("--sql-catalog", "/opt/flink/usrlib/sql/catalog")
                .containsSequence(
                        "--pipeline", "/opt/flink/usrlib/sql/pipelines/growth/customers_to_crm.sql")
                .containsSequence("--secret-env", "CRM_PASSWORD");
        String yaml =
                ManifestYaml.toYaml(
                        List.of(
                                ManifestRenderer.create(DeployProfile.PROD, null, "1.2.3")
                                        .maintenanceDeployment(
                                                "jdbc:postgresql://postgres:5432/sluice",
                                                "sluice",
                                                SecretRef.parse(
                                                        "SLUICE_LOCK_PASSWORD=sluice-lock/password"),
                                                List.of(crm))));
        assertThat(yaml).contains("name: CRM_PASSWORD").contains("secretKeyRef");
        // a pipeline secret with no Secret behind it is refused, naming the fix
        PipelineDeployment unbound =
                PipelineSource.read(REPOSITORY_PIPELINES.resolve("growth/customers_to_crm.sql"));
        assertThatThrownBy(
                        () ->
                                ManifestRenderer.create(DeployProfile.PROD, null, "1.2.3")
                                        .maintenanceDeployment(
                                                "jdbc:postgresql://postgres:5432/sluice",
                                                "sluice",
                                                null,
                                                List.of(unbound)))
                .isInstanceOf(DeployRenderException.class)
                .hasMessageContaining("CRM_PASSWORD")
                .hasMessageContaining("--secret");
    }

    @Test
    void stateOnAnS3CompatibleStoreWithKeysFromSecrets() {
        PipelineDeployment pipeline =
                withSecretBindings(PipelineSource.read(FIXTURE), DeployProfile.PROD);
        ManifestRenderer renderer =
                ManifestRenderer.create(DeployProfile.PROD, null, "1.2.3")
                        .withObjectStore(
                                "s3://flink-state/prod/", "https://minio.storage.svc:9000", true);
        for (ObjectNode resource :
                List.of(
                        renderer.render(pipeline, DeployMode.APPLICATION).get(0),
                        renderer.sessionCluster(),
                        renderer.maintenanceDeployment(
                                "jdbc:postgresql://postgres:5432/sluice", null, null))) {
            FlinkDeployment deployment = OperatorSchemas.deployment(resource);
            String key = deployment.getMetadata().getName();
            assertThat(deployment.getSpec().getFlinkConfiguration())
                    .containsEntry(
                            "state.checkpoints.dir", "s3://flink-state/prod/checkpoints/" + key)
                    .containsEntry(
                            "state.savepoints.dir", "s3://flink-state/prod/savepoints/" + key)
                    .containsEntry(
                            "high-availability.storageDir", "s3://flink-state/prod/ha/" + key)
                    .containsEntry("s3.endpoint", "https://minio.storage.svc:9000")
                    .containsEntry("s3.path.style.access", "true")
                    .doesNotContainKeys("s3.access-key", "s3.secret-key");
            var env =
                    deployment.getSpec().getPodTemplate().getSpec().getContainers().get(0).getEnv();
            // the official image copies this jar from /opt/flink/opt into plugins/ at start-up
            assertThat(env)
                    .filteredOn(e -> e.getName().equals("ENABLE_BUILT_IN_PLUGINS"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getValue()).isEqualTo(ManifestRenderer.S3_PLUGIN));
            assertThat(env)
                    .filteredOn(e -> e.getName().startsWith("AWS_"))
                    .extracting(
                            e ->
                                    e.getName()
                                            + "="
                                            + e.getValueFrom().getSecretKeyRef().getName()
                                            + "/"
                                            + e.getValueFrom().getSecretKeyRef().getKey())
                    .containsExactly(
                            "AWS_ACCESS_KEY_ID=sluice-object-storage/access-key-id",
                            "AWS_SECRET_ACCESS_KEY=sluice-object-storage/secret-access-key");
            assertThat(env)
                    .filteredOn(e -> e.getName().startsWith("AWS_"))
                    .allSatisfy(e -> assertThat(e.getValue()).isNull());
        }
        // the session job's savepoints go there too
        FlinkSessionJob job =
                OperatorSchemas.sessionJob(
                        renderer.render(
                                        PipelineSource.read(
                                                REPOSITORY_PIPELINES.resolve(
                                                        "payments/payments_to_warehouse.sql")),
                                        DeployMode.SESSION)
                                .get(0));
        assertThat(job.getSpec().getFlinkConfiguration())
                .containsEntry(
                        "state.savepoints.dir",
                        "s3://flink-state/prod/savepoints/" + job.getMetadata().getName());
        // without the options: the overlay's bucket on AWS S3, no endpoint
        assertThat(
                        OperatorSchemas.deployment(
                                        ManifestRenderer.create(DeployProfile.PROD, null, "1.2.3")
                                                .sessionCluster())
                                .getSpec()
                                .getFlinkConfiguration())
                .containsEntry(
                        "high-availability.storageDir", "s3://sluice-prod-state/ha/sluice-session")
                .doesNotContainKey("s3.endpoint");
    }

    @Test
    void malformedObjectStoreOptionsAreRejectedByName() {
        ManifestRenderer renderer = ManifestRenderer.create(DeployProfile.DEV, null, "1.2.3");
        assertThatThrownBy(() -> renderer.withObjectStore("/var/flink", null, false))
                .isInstanceOf(DeployRenderException.class)
                .hasMessageContaining("Invalid --state-store: '/var/flink'")
                .hasMessageContaining("s3://");
        assertThatThrownBy(() -> renderer.withObjectStore(null, "minio:9000", true))
                .hasMessageContaining("Invalid --s3-endpoint: 'minio:9000'");
        assertThatThrownBy(() -> renderer.withObjectStore("s3://flink-state", null, true))
                .hasMessageContaining("--s3-path-style-access needs --s3-endpoint");
    }

    @Test
    void fixtureGetsAStableKubernetesNameAndItsSecretByReference() {
        PipelineDeployment pipeline = PipelineSource.read(FIXTURE);
        assertThat(pipeline.name()).isEqualTo("orders-enriched-to-mirror");
        assertThat(pipeline.sqlResource())
                .isEqualTo("pipelines/fixtures/Orders.Enriched_To-Mirror.sql");
        assertThat(pipeline.parallelism()).isEqualTo(3);
        assertThat(pipeline.checkpointInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(pipeline.variables()).containsExactly("MIRROR_PASSWORD");

        String yaml =
                ManifestYaml.toYaml(
                        ManifestRenderer.create(DeployProfile.PROD, null, "7")
                                .render(
                                        withSecretBindings(pipeline, DeployProfile.PROD),
                                        DeployMode.APPLICATION));
        assertThat(yaml)
                .contains(
                        "name: MIRROR_PASSWORD",
                        "name: orders-enriched-to-mirror",
                        "key: mirror-password",
                        "- --secret-env");
        assertThat(yaml).contains("execution.checkpointing.interval: 90 s", "parallelism: 3");
    }

    @Test
    void longNamesAreCutWithADeterministicSuffix() {
        Path file =
                FIXTURE.resolveSibling(
                        "an_extremely_long_pipeline_name_that_exceeds_the_operator_limit.sql");
        String name = PipelineSource.read(file).name();
        assertThat(name)
                .hasSize(KubernetesNames.MAX_LENGTH)
                .matches(OperatorSchemas.DEPLOYMENT_NAME);
        assertThat(name).startsWith("an-extremely-long-pipeline-name-that");
        assertThat(PipelineSource.read(file).name()).isEqualTo(name);
        assertThat(
                        KubernetesNames.forPipelineFile(
                                "an_extremely_long_pipeline_name_that_exceeds_the_operator_limiT.sql"))
                .as(
                        "a different long name gets a different suffix only if it differs after lower-casing")
                .isEqualTo(name);
        assertThat(
                        KubernetesNames.forPipelineFile(
                                "an_extremely_long_pipeline_name_that_exceeds_the_operator_limit2.sql"))
                .isNotEqualTo(name)
                .hasSize(KubernetesNames.MAX_LENGTH);
    }

    @Test
    void namesThatCannotBecomeKubernetesNamesAreRejected() {
        assertThatThrownBy(() -> PipelineSource.read(FIXTURE.resolveSibling("9lives.sql")))
                .isInstanceOf(DeployRenderException.class)
                .hasMessageContaining("Invalid pipeline name: '9lives'")
                .hasMessageContaining("must start with a letter");
        assertThatThrownBy(() -> KubernetesNames.forPipelineFile("cards masked.sql"))
                .hasMessageContaining("Invalid pipeline name: 'cards masked'");
        assertThatThrownBy(() -> KubernetesNames.forPipelineFile("___.sql"))
                .hasMessageContaining("Invalid pipeline name: '___'");
        assertThatThrownBy(() -> KubernetesNames.forPipelineFile("zahlungen-für-lager.sql"))
                .hasMessageContaining("Invalid pipeline name");
    }

    @Test
    void missingOrInvalidImageTagIsRejected() {
        assertThatThrownBy(() -> ManifestRenderer.create(DeployProfile.DEV, null, null))
                .hasMessageContaining("Missing image tag: pass --image-tag");
        assertThatThrownBy(() -> ManifestRenderer.create(DeployProfile.DEV, null, " "))
                .hasMessageContaining("Missing image tag");
        assertThatThrownBy(() -> ManifestRenderer.create(DeployProfile.DEV, null, "-latest"))
                .hasMessageContaining("Invalid image tag: '-latest'");
    }

    private static final PipelineDeployment VALID =
            PipelineDeployment.of("pipelines/t/p.sql", "p", "team-a", 1, Duration.ofSeconds(10));

    private static void assertRenderFails(
            PipelineDeployment pipeline, DeployMode mode, String... fragments) {
        assertThatThrownBy(
                        () ->
                                ManifestRenderer.create(DeployProfile.PROD, null, "1")
                                        .render(pipeline, mode))
                .isInstanceOf(DeployRenderException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void badPipelineFieldsAreRejectedByName() {
        assertRenderFails(
                PipelineDeployment.of(
                        "pipelines/t/p.sql", "p", "team-a", 0, Duration.ofSeconds(10)),
                DeployMode.APPLICATION,
                "Invalid parallelism: 0",
                "sql/pipelines/t/p.sql",
                "1 or more");
        assertRenderFails(
                PipelineDeployment.of("pipelines/t/p.sql", "p", "team-a", 1, Duration.ZERO),
                DeployMode.SESSION,
                "Invalid checkpoint interval");
        assertRenderFails(
                PipelineDeployment.of(
                        "pipelines/t/p.sql", "P_1", "team-a", 1, Duration.ofSeconds(1)),
                DeployMode.APPLICATION,
                "Invalid pipeline name: 'P_1'");
        assertRenderFails(
                PipelineDeployment.of("pipelines/t/p.sql", "p", "team a", 1, Duration.ofSeconds(1)),
                DeployMode.APPLICATION,
                "Invalid owner: 'team a'");
    }

    @Test
    void undeclaredSecretsAreRejectedByName() {
        PipelineDeployment needsPassword =
                VALID.withSecrets(Set.of("KAFKA_BOOTSTRAP_SERVERS", "PG_PASSWORD"), List.of());
        assertRenderFails(
                needsPassword,
                DeployMode.APPLICATION,
                "Undeclared secret: PG_PASSWORD",
                "--secret PG_PASSWORD=<secret-name>/<key>");
        assertRenderFails(
                needsPassword,
                DeployMode.SESSION,
                "Undeclared secret: PG_PASSWORD",
                "session cluster");
        assertRenderFails(
                VALID.withSecrets(
                        Set.of(), List.of(new SecretRef("PG_PASSWORD", "pg", "password"))),
                DeployMode.SESSION,
                "Invalid --secret for session mode");
        assertRenderFails(
                VALID.withSecrets(
                        Set.of(),
                        List.of(
                                new SecretRef("PG_PASSWORD", "pg", "a"),
                                new SecretRef("PG_PASSWORD", "pg", "b"))),
                DeployMode.APPLICATION,
                "declared twice");
        // declared: renders, and only by reference
        String yaml =
                ManifestYaml.toYaml(
                        ManifestRenderer.create(DeployProfile.PROD, null, "1")
                                .render(
                                        needsPassword.withSecrets(
                                                needsPassword.variables(),
                                                List.of(
                                                        new SecretRef(
                                                                "PG_PASSWORD", "pg", "password"))),
                                        DeployMode.APPLICATION));
        assertThat(yaml).contains("secretKeyRef");
    }

    @Test
    void secretOptionIsParsedStrictly() {
        assertThat(SecretRef.parse("PG_PASSWORD=sluice-postgres/password"))
                .isEqualTo(new SecretRef("PG_PASSWORD", "sluice-postgres", "password"));
        assertThatThrownBy(() -> SecretRef.parse("PG_PASSWORD=sluice-postgres"))
                .hasMessageContaining("Invalid --secret");
        assertThatThrownBy(() -> SecretRef.parse("PG-PASSWORD=pg/password"))
                .hasMessageContaining("Invalid secret variable: 'PG-PASSWORD'");
        assertThatThrownBy(() -> SecretRef.parse("PG_PASSWORD=Sluice_PG/password"))
                .hasMessageContaining("Invalid secret name for PG_PASSWORD: 'Sluice_PG'");
    }

    @Test
    void classificationsBecomeALabelSummaryAndAnAnnotation() {
        ObjectNode resource =
                ManifestRenderer.create(DeployProfile.DEV, null, "1")
                        .render(
                                VALID.withClassifications(
                                        Set.of("PII.EMAIL", "PCI.PAN", "PII.PHONE")),
                                DeployMode.APPLICATION)
                        .get(0);
        assertThat(resource.at("/metadata/labels/sluice.dev~1classification").asText())
                .isEqualTo("PCI_PII");
        assertThat(resource.at("/metadata/annotations/sluice.dev~1classifications").asText())
                .isEqualTo("PCI.PAN,PII.EMAIL,PII.PHONE");
        OperatorSchemas.assertValid(resource);
        ObjectNode none =
                ManifestRenderer.create(DeployProfile.DEV, null, "1")
                        .render(VALID.withClassifications(Set.of()), DeployMode.SESSION)
                        .get(0);
        assertThat(none.at("/metadata/labels/sluice.dev~1classification").asText())
                .isEqualTo("none");
    }

    @Test
    void renderingIsDeterministic() {
        String first =
                ManifestYaml.toYaml(
                        ManifestRenderer.create(DeployProfile.PROD, null, "1")
                                .render(VALID, DeployMode.APPLICATION));
        String second =
                ManifestYaml.toYaml(
                        ManifestRenderer.create(DeployProfile.PROD, null, "1")
                                .render(VALID, DeployMode.APPLICATION));
        assertThat(first).isEqualTo(second);
    }

    @Test
    void onlyVariablesInStringLiteralsCount() {
        var source =
                new dev.sluice.sql.SourceText(
                        "v.sql",
                        "-- @owner t\n-- @description uses ${IN_HEADER}\n"
                                + "INSERT INTO t /* ${IN_COMMENT} */ SELECT '${PG_PASSWORD}',"
                                + " '$${ESCAPED}', 'a${KAFKA_BOOTSTRAP_SERVERS}b';\n");
        assertThat(PipelineSource.variablesIn(source))
                .containsExactly("KAFKA_BOOTSTRAP_SERVERS", "PG_PASSWORD");
    }

    @Test
    void imageRepositoryWithATagIsRejected() {
        assertThat(
                        ManifestRenderer.create(DeployProfile.DEV, "registry:5000/team/sluice", "1")
                                .image())
                .isEqualTo("registry:5000/team/sluice:1");
        assertThatThrownBy(() -> ManifestRenderer.create(DeployProfile.DEV, "reg/sluice:1.0", "2"))
                .hasMessageContaining("Invalid image repository: 'reg/sluice:1.0'");
        assertThatThrownBy(() -> ManifestRenderer.create(DeployProfile.DEV, "Reg/Sluice", "2"))
                .hasMessageContaining("Invalid image repository");
    }
}
