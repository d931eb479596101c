package dev.sluice.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one environment (kustomize overlay): namespace, object storage, resources,
 * restart strategy. The committed overlays under {@code deploy/overlays/} carry the same values;
 * {@code CommittedManifestsTest} keeps the two in step.
 *
 * @param name overlay name, as in {@code deploy/overlays/<name>}
 * @param stateBucket object storage root of checkpoints, savepoints and HA metadata
 * @param artifactRoot where session jobs fetch the job jar from (the operator uploads it)
 * @param jobManagerReplicas more than one means standby JobManagers (needs HA, which is on)
 * @param restartStrategy Flink restart-strategy options, written into flinkConfiguration
 * @param extraConfiguration further Flink options of this environment
 * @param sharedSecrets secrets every Flink pod of the environment receives (object storage)
 * @param configVariables the non-secret variables (endpoints) the overlay's ConfigMap {@value
 *     #PIPELINE_CONFIG_MAP} provides
 */
public record DeployProfile(
        String name,
        String namespace,
        String imageRepository,
        String stateBucket,
        String artifactRoot,
        String serviceAccount,
        String sessionClusterName,
        int jobManagerReplicas,
        double jobManagerCpu,
        String jobManagerMemory,
        double taskManagerCpu,
        String taskManagerMemory,
        int taskSlots,
        Map<String, String> restartStrategy,
        Map<String, String> extraConfiguration,
        List<SecretRef> sharedSecrets,
        Set<String> configVariables) {

    /** The ConfigMap holding non-secret pipeline variables (endpoints), created by the overlay. */
    public static final String PIPELINE_CONFIG_MAP = "sluice-pipeline-config";

    private static final List<SecretRef> OBJECT_STORAGE_SECRETS =
            List.of(
                    new SecretRef("AWS_ACCESS_KEY_ID", "sluice-object-storage", "access-key-id"),
                    new SecretRef(
                            "AWS_SECRET_ACCESS_KEY", "sluice-object-storage", "secret-access-key"));

    private static final Set<String> ENDPOINT_VARIABLES =
            Set.of("KAFKA_BOOTSTRAP_SERVERS", "ICEBERG_CATALOG_TYPE", "ICEBERG_WAREHOUSE");

    /** Small and forgiving: few restarts, so that a broken pipeline shows up quickly. */
    public static final DeployProfile DEV =
            new DeployProfile(
                    "dev",
                    "sluice-dev",
                    "registry.example.com/data-platform/sluice",
                    "s3://sluice-dev-state",
                    "s3://sluice-dev-artifacts/jars",
                    "flink",
                    "sluice-session",
                    1,
                    0.5,
                    "1024m",
                    1.0,
                    "2048m",
                    2,
                    ordered(
                            "restart-strategy.type", "fixed-delay",
                            "restart-strategy.fixed-delay.attempts", "3",
                            "restart-strategy.fixed-delay.delay", "10 s"),
                    ordered(),
                    OBJECT_STORAGE_SECRETS,
                    ENDPOINT_VARIABLES);

    /**
     * Standby JobManager, larger TaskManagers, restarts with backoff, periodic savepoints,
     * automatic rollback of upgrades that do not become healthy.
     */
    public static final DeployProfile PROD =
            new DeployProfile(
                    "prod",
                    "sluice",
                    "registry.example.com/data-platform/sluice",
                    "s3://sluice-prod-state",
                    "s3://sluice-prod-artifacts/jars",
                    "flink",
                    "sluice-session",
                    2,
                    1.0,
                    "2048m",
                    2.0,
                    "4096m",
                    2,
                    ordered(
                            "restart-strategy.type", "exponential-delay",
                            "restart-strategy.exponential-delay.initial-backoff", "1 s",
                            "restart-strategy.exponential-delay.max-backoff", "5 min",
                            "restart-strategy.exponential-delay.backoff-multiplier", "2.0",
                            "restart-strategy.exponential-delay.reset-backoff-threshold", "1 h",
                            "restart-strategy.exponential-delay.jitter-factor", "0.1"),
                    ordered(
                            // an upgrade that does not become healthy in time is rolled back to
                            // the last stable spec, from the savepoint the upgrade took
                            "kubernetes.operator.deployment.rollback.enabled", "true",
                            "kubernetes.operator.deployment.readiness.timeout", "5 min",
                            "kubernetes.operator.periodic.savepoint.interval", "6 h",
                            "kubernetes.operator.savepoint.history.max.age", "7 d",
                            "kubernetes.operator.savepoint.history.max.count", "10"),
                    OBJECT_STORAGE_SECRETS,
                    ENDPOINT_VARIABLES);

    public DeployProfile {
        restartStrategy = Map.copyOf(restartStrategy);
        extraConfiguration = Map.copyOf(extraConfiguration);
        sharedSecrets = List.copyOf(sharedSecrets);
        configVariables = Set.copyOf(configVariables);
    }

    /**
     * The profile of the overlay {@code name} ({@code dev} or {@code prod}).
     *
     * @throws DeployRenderException naming the option for any other name
     */
    public static DeployProfile named(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "dev" -> DEV;
            case "prod" -> PROD;
            default ->
                    throw new DeployRenderException(
                            "Invalid --overlay: '" + name + "'. Use one of: dev, prod.");
        };
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
