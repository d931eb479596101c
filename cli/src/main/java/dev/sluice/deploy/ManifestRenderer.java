package dev.sluice.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders Flink Kubernetes Operator resources ({@code FlinkDeployment}, {@code FlinkSessionJob})
 * for a pipeline as Jackson trees, one per Kubernetes object. Input is checked first; every error
 * names the field and how to fix it.
 */
public final class ManifestRenderer {
    public static final String API_VERSION = "flink.apache.org/v1beta1";
    public static final String FLINK_VERSION = "v1_20";

    /** Where the Dockerfile puts the job jar and the SQL folder. */
    public static final String USRLIB = "/opt/flink/usrlib";

    public static final String JOB_JAR_IN_IMAGE = USRLIB + "/sluice-jobs.jar";
    public static final String PIPELINE_ENTRY_CLASS = "dev.sluice.pipeline.PipelineJob";
    public static final String MAINTENANCE_ENTRY_CLASS = "dev.sluice.lifecycle.MaintainJob";
    public static final String MAINTENANCE_NAME = "sluice-maintenance";

    /** The S3 file system plugin shipped in the official image under /opt/flink/opt. */
    public static final String S3_PLUGIN = "flink-s3-fs-hadoop-1.20.3.jar";

    private static final Pattern IMAGE_REPOSITORY =
            Pattern.compile("[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*");
    private static final Pattern IMAGE_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern LABEL_VALUE =
            Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static final Pattern STATE_STORE =
            Pattern.compile("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?");
    private static final Pattern ENDPOINT = Pattern.compile("https?://[^\\s/?#]+/?");

    private final DeployProfile profile;
    private final String image;
    private final String stateRoot;
    private final String s3Endpoint;
    private final boolean s3PathStyleAccess;

    private ManifestRenderer(
            DeployProfile profile,
            String image,
            String stateRoot,
            String s3Endpoint,
            boolean s3PathStyleAccess) {
        this.profile = profile;
        this.image = image;
        this.stateRoot = stateRoot;
        this.s3Endpoint = s3Endpoint;
        this.s3PathStyleAccess = s3PathStyleAccess;
    }

    /**
     * This renderer with checkpoints, savepoints and HA metadata on another object store than the
     * profile's bucket: {@code stateStore} (an {@code s3://bucket[/prefix]} URI, null keeps the
     * profile's), reached at {@code endpoint} (an S3-compatible store such as MinIO or Ceph; null
     * means AWS S3) with path-style addressing when {@code pathStyleAccess}. The endpoint goes into
     * the Flink configuration for the S3 filesystem plugin; the keys stay in the profile's Secrets.
     *
     * @throws DeployRenderException naming the option for a malformed store or endpoint
     */
    public ManifestRenderer withObjectStore(
            String stateStore, String endpoint, boolean pathStyleAccess) {
        String root = stateRoot;
        if (stateStore != null) {
            String trimmed =
                    stateStore.endsWith("/")
                            ? stateStore.substring(0, stateStore.length() - 1)
                            : stateStore;
            if (!STATE_STORE.matcher(trimmed).matches()) {
                throw new DeployRenderException(
                        "Invalid --state-store: '"
                                + stateStore
                                + "'. Give the bucket (and an optional prefix) where checkpoints,"
                                + " savepoints and HA metadata go, as an s3:// URI, e.g."
                                + " s3://flink-state or s3://lake/flink.");
            }
            root = trimmed;
        }
        if (endpoint != null && !ENDPOINT.matcher(endpoint).matches()) {
            throw new DeployRenderException(
                    "Invalid --s3-endpoint: '"
                            + endpoint
                            + "'. Give the store's address with scheme and no path, e.g."
                            + " https://minio.storage.svc:9000.");
        }
        if (pathStyleAccess && endpoint == null) {
            throw new DeployRenderException(
                    "--s3-path-style-access needs --s3-endpoint: AWS S3 itself is addressed by"
                            + " virtual host. Give the endpoint of the S3-compatible store, e.g."
                            + " --s3-endpoint https://minio.storage.svc:9000.");
        }
        return new ManifestRenderer(profile, image, root, endpoint, pathStyleAccess);
    }

    /**
     * A renderer for the overlay {@code profile} and the image {@code
     * <imageRepository>:<imageTag>}; {@code imageRepository} null means the profile's.
     *
     * @throws DeployRenderException when the tag is missing or not a valid image tag
     */
    public static ManifestRenderer create(
            DeployProfile profile, String imageRepository, String imageTag) {
        if (imageTag == null || imageTag.isBlank()) {
            throw new DeployRenderException(
                    "Missing image tag: pass --image-tag with the tag of the pushed Sluice image,"
                            + " e.g. --image-tag 0.1.0 (see deploy/README.md, 'Build and push the"
                            + " image').");
        }
        if (!IMAGE_TAG.matcher(imageTag).matches()) {
            throw new DeployRenderException(
                    "Invalid image tag: '"
                            + imageTag
                            + "'. A tag is up to 128 letters, digits, '_', '.' and '-', not starting"
                            + " with '.' or '-', e.g. 0.1.0 or 2026-11-25.1.");
        }
        String repository = imageRepository == null ? profile.imageRepository() : imageRepository;
        String lastSegment = repository.substring(repository.lastIndexOf('/') + 1);
        if (!IMAGE_REPOSITORY.matcher(repository).matches() || lastSegment.contains(":")) {
            throw new DeployRenderException(
                    "Invalid image repository: '"
                            + repository
                            + "'. Give the repository without tag or digest (the tag goes to"
                            + " --image-tag), e.g. registry.example.com/data-platform/sluice.");
        }
        return new ManifestRenderer(
                profile, repository + ":" + imageTag, profile.stateBucket(), null, false);
    }

    public DeployProfile profile() {
        return profile;
    }

    public String image() {
        return image;
    }

    /** The root of checkpoints, savepoints and HA metadata ({@code s3://bucket[/prefix]}). */
    public String stateRoot() {
        return stateRoot;
    }

    /** The objects that deploy {@code pipeline} in {@code mode}, in apply order. */
    public List<ObjectNode> render(PipelineDeployment pipeline, DeployMode mode) {
        checkPipeline(pipeline, mode);
        return switch (mode) {
            case APPLICATION -> List.of(applicationDeployment(pipeline));
            case SESSION -> List.of(sessionJob(pipeline));
        };
    }

    /**
     * The long-running maintenance job of this overlay's warehouse (one per warehouse: see
     * docs/lifecycle.md): an application-mode FlinkDeployment running {@link
     * #MAINTENANCE_ENTRY_CLASS}, which reads the catalog from the pipeline config map's {@code
     * ICEBERG_CATALOG_TYPE} and {@code ICEBERG_WAREHOUSE} and its lock database password, if any,
     * from {@code passwordSecret}.
     */
    public ObjectNode maintenanceDeployment(
            String lockJdbcUrl, String lockUser, SecretRef passwordSecret) {
        return maintenanceDeployment(lockJdbcUrl, lockUser, passwordSecret, List.of());
    }

    /**
     * As {@link #maintenanceDeployment(String, String, SecretRef)}, with the pipelines whose JDBC
     * tables the policy's retention: names: the job reads their files from the image (it reaches
     * each table with its pipeline's options), and their secrets come from Kubernetes Secrets like
     * the pipelines' own.
     */
    public ObjectNode maintenanceDeployment(
            String lockJdbcUrl,
            String lockUser,
            SecretRef passwordSecret,
            List<PipelineDeployment> pipelines) {
        for (PipelineDeployment pipeline : pipelines) {
            checkSecrets(
                    pipeline,
                    DeployMode.APPLICATION,
                    " (pipeline " + pipeline.sqlResource() + " of the maintenance job)");
        }
        if (lockJdbcUrl == null || !lockJdbcUrl.startsWith("jdbc:")) {
            throw new DeployRenderException(
                    "Missing or invalid --lock-jdbc-url: '"
                            + lockJdbcUrl
                            + "'. The maintenance job keeps a lock per table in a JDBC database,"
                            + " e.g. --lock-jdbc-url jdbc:postgresql://postgres.sluice:5432/sluice.");
        }
        ObjectNode resource = header("FlinkDeployment", MAINTENANCE_NAME);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", MAINTENANCE_NAME);
        labels.put("app.kubernetes.io/instance", MAINTENANCE_NAME);
        labels.putAll(commonLabels());
        putLabels(resource, labels);

        Map<String, String> conf = clusterConfiguration(MAINTENANCE_NAME);
        conf.put("pipeline.name", MAINTENANCE_NAME);
        conf.put("execution.checkpointing.interval", "1 min");
        List<SecretRef> secrets = new ArrayList<>(profile.sharedSecrets());
        if (passwordSecret != null) {
            secrets.add(passwordSecret);
        }
        for (PipelineDeployment pipeline : pipelines) {
            for (SecretRef secret : pipeline.secretBindings()) {
                if (secrets.stream().noneMatch(s -> s.variable().equals(secret.variable()))) {
                    secrets.add(secret);
                }
            }
        }
        ObjectNode spec = clusterSpec(conf, labels, secrets);
        ObjectNode job = spec.putObject("job");
        job.put("jarURI", "local://" + JOB_JAR_IN_IMAGE);
        job.put("entryClass", MAINTENANCE_ENTRY_CLASS);
        ArrayNode args = job.putArray("args").add("--lock-jdbc-url").add(lockJdbcUrl);
        if (lockUser != null) {
            args.add("--lock-user").add(lockUser);
        }
        if (passwordSecret != null) {
            args.add("--lock-password-env").add(passwordSecret.variable());
        }
        args.add("--policy").add(USRLIB + "/sql/policy");
        if (!pipelines.isEmpty()) {
            args.add("--sql-catalog").add(USRLIB + "/sql/catalog");
        }
        java.util.Set<String> secretEnv = new java.util.TreeSet<>();
        for (PipelineDeployment pipeline : pipelines) {
            args.add("--pipeline").add(USRLIB + "/sql/" + pipeline.sqlResource());
            pipeline.secretBindings().forEach(b -> secretEnv.add(b.variable()));
        }
        for (String variable : secretEnv) {
            // the job redacts the values of these environment variables in every message
            args.add("--secret-env").add(variable);
        }
        job.put("parallelism", 1);
        job.put("upgradeMode", "savepoint");
        job.put("state", "running");
        resource.set("spec", spec);
        return resource;
    }

    /** The shared session cluster of this overlay, which session jobs run on. */
    public ObjectNode sessionCluster() {
        ObjectNode resource = header("FlinkDeployment", profile.sessionClusterName());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "sluice-session");
        labels.put("app.kubernetes.io/instance", profile.sessionClusterName());
        labels.putAll(commonLabels());
        putLabels(resource, labels);

        String stateKey = profile.sessionClusterName();
        Map<String, String> conf = clusterConfiguration(stateKey);
        ObjectNode spec = clusterSpec(conf, labels, profile.sharedSecrets());
        resource.set("spec", spec);
        return resource;
    }

    private ObjectNode applicationDeployment(PipelineDeployment pipeline) {
        ObjectNode resource = header("FlinkDeployment", pipeline.name());
        Map<String, String> labels = pipelineLabels(pipeline);
        putLabels(resource, labels);
        putAnnotations(resource, pipeline);

        Map<String, String> conf = clusterConfiguration(pipeline.name());
        conf.putAll(jobConfiguration(pipeline));
        List<SecretRef> secrets = new ArrayList<>(profile.sharedSecrets());
        secrets.addAll(pipeline.secretBindings());
        ObjectNode spec = clusterSpec(conf, labels, secrets);

        ObjectNode job = spec.putObject("job");
        job.put("jarURI", "local://" + JOB_JAR_IN_IMAGE);
        job.put("entryClass", PIPELINE_ENTRY_CLASS);
        // the image carries the SQL folder next to the jar; the job reads the file from there
        ArrayNode args = job.putArray("args").add(USRLIB + "/sql/" + pipeline.sqlResource());
        for (SecretRef secret : pipeline.secretBindings()) {
            // the job redacts the values of these environment variables in every message
            args.add("--secret-env").add(secret.variable());
        }
        job.put("parallelism", pipeline.parallelism());
        job.put("upgradeMode", "savepoint");
        job.put("state", "running");
        resource.set("spec", spec);
        return resource;
    }

    private ObjectNode sessionJob(PipelineDeployment pipeline) {
        ObjectNode resource = header("FlinkSessionJob", pipeline.name());
        putLabels(resource, pipelineLabels(pipeline));
        putAnnotations(resource, pipeline);

        ObjectNode spec = resource.putObject("spec");
        spec.put("deploymentName", profile.sessionClusterName());
        Map<String, String> conf = jobConfiguration(pipeline);
        conf.put("state.savepoints.dir", stateUri("savepoints", pipeline.name()));
        putStrings(spec.putObject("flinkConfiguration"), conf);

        ObjectNode job = spec.putObject("job");
        // the operator uploads this jar to the session cluster; the SQL file is inside it
        job.put("jarURI", sessionJarUri());
        job.put("entryClass", PIPELINE_ENTRY_CLASS);
        job.putArray("args").add("classpath:sql/" + pipeline.sqlResource());
        job.put("parallelism", pipeline.parallelism());
        job.put("upgradeMode", "savepoint");
        job.put("state", "running");
        return resource;
    }

    /** The job jar published next to the image, with the image's tag. */
    public String sessionJarUri() {
        String tag = image.substring(image.lastIndexOf(':') + 1);
        return profile.artifactRoot() + "/sluice-jobs-" + tag + ".jar";
    }

    private ObjectNode clusterSpec(
            Map<String, String> conf, Map<String, String> podLabels, List<SecretRef> secrets) {
        ObjectNode spec = JSON.objectNode();
        spec.put("image", image);
        spec.put("imagePullPolicy", "IfNotPresent");
        spec.put("flinkVersion", FLINK_VERSION);
        spec.put("mode", "native");
        spec.put("serviceAccount", profile.serviceAccount());
        putStrings(spec.putObject("flinkConfiguration"), conf);
        spec.set("podTemplate", podTemplate(podLabels, secrets));
        ObjectNode jobManager = spec.putObject("jobManager");
        jobManager.put("replicas", profile.jobManagerReplicas());
        ObjectNode jmResource = jobManager.putObject("resource");
        jmResource.put("cpu", profile.jobManagerCpu());
        jmResource.put("memory", profile.jobManagerMemory());
        ObjectNode tmResource = spec.putObject("taskManager").putObject("resource");
        tmResource.put("cpu", profile.taskManagerCpu());
        tmResource.put("memory", profile.taskManagerMemory());
        return spec;
    }

    private ObjectNode podTemplate(Map<String, String> labels, List<SecretRef> secrets) {
        ObjectNode pod = JSON.objectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        putStrings(pod.putObject("metadata").putObject("labels"), labels);
        ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
        // the operator merges this template into the JobManager and TaskManager main containers
        container.put("name", "flink-main-container");
        ArrayNode env = container.putArray("env");
        ObjectNode plugins = env.addObject();
        plugins.put("name", "ENABLE_BUILT_IN_PLUGINS");
        plugins.put("value", S3_PLUGIN);
        for (SecretRef secret : secrets) {
            ObjectNode variable = env.addObject();
            variable.put("name", secret.variable());
            ObjectNode ref = variable.putObject("valueFrom").putObject("secretKeyRef");
            ref.put("name", secret.secretName());
            ref.put("key", secret.key());
        }
        container
                .putArray("envFrom")
                .addObject()
                .putObject("configMapRef")
                .put("name", DeployProfile.PIPELINE_CONFIG_MAP);
        return pod;
    }

    /** TaskManager metaspace of every rendered cluster (Flink's default is 256m). */
    static final String TASK_MANAGER_METASPACE = "512m";

    private Map<String, String> clusterConfiguration(String stateKey) {
        Map<String, String> conf = new TreeMap<>();
        conf.put("state.backend.type", "rocksdb");
        conf.put("state.backend.incremental", "true");
        conf.put("state.checkpoints.dir", stateUri("checkpoints", stateKey));
        conf.put("state.savepoints.dir", stateUri("savepoints", stateKey));
        conf.put("high-availability.type", "kubernetes");
        conf.put("high-availability.storageDir", stateUri("ha", stateKey));
        if (s3Endpoint != null) {
            // Flink's S3 filesystem plugin reads s3.* options (as fs.s3a.* of its Hadoop S3A)
            conf.put("s3.endpoint", s3Endpoint);
            conf.put("s3.path.style.access", Boolean.toString(s3PathStyleAccess));
        }
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(profile.taskSlots()));
        // every submission, upgrade, rescale and failover loads the job jar's classes again in a
        // new class loader on the TaskManagers (25-30 MB of metaspace per job). The job jar
        // releases its libraries' threads and drivers with the old one
        // (LibraryThreadsAndDriversRelease), so it can be unloaded; the room above Flink's 256 MB
        // default covers two generations of a session cluster's jobs at once during an upgrade,
        // and a library leak not yet found (docs/reliability.md, TaskManager metaspace)
        conf.put("taskmanager.memory.jvm-metaspace.size", TASK_MANAGER_METASPACE);
        conf.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.putAll(profile.restartStrategy());
        conf.putAll(profile.extraConfiguration());
        return conf;
    }

    private static Map<String, String> jobConfiguration(PipelineDeployment pipeline) {
        Map<String, String> conf = new TreeMap<>();
        conf.put("pipeline.name", pipeline.name());
        conf.put("execution.checkpointing.interval", flinkDuration(pipeline.checkpointInterval()));
        conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        return conf;
    }

    private String stateUri(String kind, String key) {
        return stateRoot + "/" + kind + "/" + key;
    }

    private void checkPipeline(PipelineDeployment pipeline, DeployMode mode) {
        String where = " (pipeline sql/" + pipeline.sqlResource() + ")";
        if (!KubernetesNames.isValid(pipeline.name())) {
            throw new DeployRenderException(
                    "Invalid pipeline name: '"
                            + pipeline.name()
                            + "'"
                            + where
                            + ". It must be a DNS-1035 label of at most "
                            + KubernetesNames.MAX_LENGTH
                            + " characters, e.g. payments-to-warehouse.");
        }
        if (pipeline.owner() == null || pipeline.owner().isBlank()) {
            throw new DeployRenderException(
                    "Missing owner" + where + ". Add the owner team to the metadata header.");
        }
        if (!LABEL_VALUE.matcher(pipeline.owner()).matches()) {
            throw new DeployRenderException(
                    "Invalid owner: '"
                            + pipeline.owner()
                            + "'"
                            + where
                            + ". The owner becomes a Kubernetes label value: at most 63 letters,"
                            + " digits, '-', '_' and '.', e.g. payments.");
        }
        if (pipeline.parallelism() < 1) {
            throw new DeployRenderException(
                    "Invalid parallelism: "
                            + pipeline.parallelism()
                            + where
                            + ". Set the parallelism in the metadata header to 1 or more.");
        }
        Duration interval = pipeline.checkpointInterval();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new DeployRenderException(
                    "Invalid checkpoint interval: "
                            + interval
                            + where
                            + ". Set a positive checkpoint interval in the metadata header, e.g."
                            + " 60 s: sinks commit on checkpoints.");
        }
        checkSecrets(pipeline, mode, where);
    }

    private void checkSecrets(PipelineDeployment pipeline, DeployMode mode, String where) {
        Map<String, SecretRef> declared = new LinkedHashMap<>();
        for (SecretRef shared : profile.sharedSecrets()) {
            declared.put(shared.variable(), shared);
        }
        if (mode == DeployMode.SESSION && !pipeline.secretBindings().isEmpty()) {
            throw new DeployRenderException(
                    "Invalid --secret for session mode"
                            + where
                            + ": a session job runs in the shared cluster's pods and cannot add"
                            + " environment variables. Use --mode application, or declare the"
                            + " secret on the session cluster in deploy/overlays/"
                            + profile.name()
                            + ".");
        }
        for (SecretRef binding : pipeline.secretBindings()) {
            SecretRef previous = declared.putIfAbsent(binding.variable(), binding);
            if (previous != null) {
                throw new DeployRenderException(
                        "Invalid --secret "
                                + binding.variable()
                                + where
                                + ": the variable is declared twice. Give each variable one"
                                + " Secret key.");
            }
        }
        SortedSet<String> missing = new TreeSet<>(pipeline.variables());
        missing.removeAll(declared.keySet());
        missing.removeAll(profile.configVariables());
        if (!missing.isEmpty()) {
            String first = missing.first();
            throw new DeployRenderException(
                    "Undeclared secret: "
                            + String.join(", ", missing)
                            + where
                            + " is referenced but neither the ConfigMap "
                            + DeployProfile.PIPELINE_CONFIG_MAP
                            + " of overlay "
                            + profile.name()
                            + " nor a Kubernetes Secret provides it. "
                            + (mode == DeployMode.APPLICATION
                                    ? "Pass --secret " + first + "=<secret-name>/<key>."
                                    : "Declare it on the session cluster in deploy/overlays/"
                                            + profile.name()
                                            + ", or use --mode application --secret "
                                            + first
                                            + "=<secret-name>/<key>."));
        }
    }

    private ObjectNode header(String kind, String name) {
        ObjectNode resource = JSON.objectNode();
        resource.put("apiVersion", API_VERSION);
        resource.put("kind", kind);
        ObjectNode metadata = resource.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", profile.namespace());
        return resource;
    }

    private Map<String, String> commonLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/part-of", "sluice");
        labels.put("app.kubernetes.io/managed-by", "sluice");
        labels.put("sluice.dev/environment", profile.name());
        return labels;
    }

    private Map<String, String> pipelineLabels(PipelineDeployment pipeline) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "sluice-pipeline");
        labels.put("app.kubernetes.io/instance", pipeline.name());
        labels.putAll(commonLabels());
        labels.put("sluice.dev/pipeline", pipeline.name());
        labels.put("sluice.dev/owner", pipeline.owner());
        labels.put("sluice.dev/classification", classificationSummary(pipeline));
        return labels;
    }

    /**
     * A label-safe summary of the data classes a pipeline writes: the class families, e.g. {@code
     * PCI_PII}; {@code none} when it writes no classified data, {@code unchecked} when no policy
     * gate looked at it. The full list goes into an annotation.
     */
    static String classificationSummary(PipelineDeployment pipeline) {
        if (pipeline.classifications() == null) {
            return "unchecked";
        }
        if (pipeline.classifications().isEmpty()) {
            return "none";
        }
        String summary =
                pipeline.classifications().stream()
                        .map(c -> c.contains(".") ? c.substring(0, c.indexOf('.')) : c)
                        .map(c -> c.replaceAll("[^A-Za-z0-9]", "-"))
                        .collect(Collectors.toCollection(TreeSet::new))
                        .stream()
                        .collect(Collectors.joining("_"));
        // too many families for one label value: the annotation has them all
        return LABEL_VALUE.matcher(summary).matches() && !summary.isEmpty() ? summary : "many";
    }

    private static void putAnnotations(ObjectNode resource, PipelineDeployment pipeline) {
        ObjectNode annotations = ((ObjectNode) resource.get("metadata")).putObject("annotations");
        annotations.put("sluice.dev/source", "sql/" + pipeline.sqlResource());
        if (pipeline.classifications() != null) {
            annotations.put(
                    "sluice.dev/classifications", String.join(",", pipeline.classifications()));
        }
    }

    private static void putLabels(ObjectNode resource, Map<String, String> labels) {
        putStrings(((ObjectNode) resource.get("metadata")).putObject("labels"), labels);
    }

    private static void putStrings(ObjectNode target, Map<String, String> values) {
        values.forEach(target::put);
    }

    /** Flink's duration syntax, in the largest exact unit. */
    static String flinkDuration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return millis + " ms";
    }
}
