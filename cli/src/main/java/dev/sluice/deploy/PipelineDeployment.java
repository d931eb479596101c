package dev.sluice.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the renderer needs to know about one pipeline: taken from its SQL file and metadata header,
 * plus the secrets the deployer binds. Checked by {@link ManifestRenderer}, which names the bad
 * field.
 *
 * @param sqlResource the file's path inside the {@code sql/} folder, e.g. {@code
 *     pipelines/payments/payments_to_warehouse.sql}: the image and the job jar both carry that
 *     folder
 * @param name the Kubernetes name, from {@link KubernetesNames#forPipelineFile}
 * @param owner the owner team of the metadata header
 * @param parallelism the parallelism of the metadata header
 * @param checkpointInterval the checkpoint interval of the metadata header
 * @param classifications data classes the pipeline writes, as found by the policy gate; empty when
 *     it writes none, null when no gate checked it
 * @param variables every {@code ${NAME}} the pipeline and its catalog need at run time: each must
 *     come from the overlay's ConfigMap or from a Kubernetes Secret
 * @param secretBindings which Secret key feeds each secret variable ({@code --secret})
 */
public record PipelineDeployment(
        String sqlResource,
        String name,
        String owner,
        int parallelism,
        Duration checkpointInterval,
        SortedSet<String> classifications,
        SortedSet<String> variables,
        List<SecretRef> secretBindings) {

    public PipelineDeployment {
        classifications = classifications == null ? null : new TreeSet<>(classifications);
        variables = new TreeSet<>(variables);
        secretBindings = List.copyOf(secretBindings);
    }

    /** A pipeline without secrets that no gate has checked yet. */
    public static PipelineDeployment of(
            String sqlResource,
            String name,
            String owner,
            int parallelism,
            Duration checkpointInterval) {
        return new PipelineDeployment(
                sqlResource,
                name,
                owner,
                parallelism,
                checkpointInterval,
                null,
                new TreeSet<>(),
                List.of());
    }

    public PipelineDeployment withClassifications(Set<String> classes) {
        return new PipelineDeployment(
                sqlResource,
                name,
                owner,
                parallelism,
                checkpointInterval,
                new TreeSet<>(classes),
                variables,
                secretBindings);
    }

    public PipelineDeployment withSecrets(Set<String> variables, List<SecretRef> bindings) {
        return new PipelineDeployment(
                sqlResource,
                name,
                owner,
                parallelism,
                checkpointInterval,
                classifications,
                new TreeSet<>(variables),
                bindings);
    }
}
