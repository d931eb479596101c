package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The image cannot be built on these machines (no Docker engine), so its references are guarded:
 * base image, jar name and paths must match the Maven build and what the manifests start.
 */
class CommittedDockerfileTest {

    @Test
    void baseImageIsTheOfficialFlinkImageOfTheBuiltFlinkVersionOnJava17() throws Exception {
        DockerfileReferences dockerfile = DockerfileReferences.read();
        String flinkVersion = DockerfileReferences.rootPom("flink.version");
        // the official image's full tag scheme: <flink>-scala_<scala>-java<java>
        assertThat(dockerfile.baseImage())
                .isEqualTo("flink:" + flinkVersion + "-scala_2.12-java17");
        assertThat(ManifestRenderer.S3_PLUGIN)
                .isEqualTo("flink-s3-fs-hadoop-" + flinkVersion + ".jar");
    }

    @Test
    void copiesExactlyTheJarTheBuildNamesAndTheSqlFolder() throws Exception {
        DockerfileReferences dockerfile = DockerfileReferences.read();
        String version = DockerfileReferences.rootPom("version");
        assertThat(dockerfile.args()).containsEntry("SLUICE_VERSION", version);
        assertThat(dockerfile.copies())
                .containsExactly(
                        new DockerfileReferences.Copy(
                                java.util.List.of(
                                        "jobs/job-jar/target/sluice-jobs-" + version + ".jar"),
                                ManifestRenderer.JOB_JAR_IN_IMAGE),
                        new DockerfileReferences.Copy(
                                java.util.List.of("sql/"), ManifestRenderer.USRLIB + "/sql/"),
                        new DockerfileReferences.Copy(
                                java.util.List.of("jobs/job-jar/target/flink-lib/"),
                                "/opt/flink/lib/"));
        assertThat(Files.isDirectory(DockerfileReferences.REPOSITORY.resolve("sql/pipelines")))
                .isTrue();
        // nothing else: no RUN, no extra layers
        assertThat(dockerfile.instructions())
                .extracting(i -> i.split("\\s+")[0])
                .containsExactly("FROM", "ARG", "COPY", "COPY", "COPY");
    }

    @Test
    void jobJarModuleBuildsTheJarNameTheDockerfileUses() throws Exception {
        String jobsPom =
                Files.readString(DockerfileReferences.REPOSITORY.resolve("jobs/job-jar/pom.xml"));
        assertThat(jobsPom)
                .contains("<artifactId>sluice-jobs</artifactId>")
                .doesNotContain("<finalName>");
        assertThat(jobsPom).contains("<shadedArtifactAttached>false</shadedArtifactAttached>");
    }

    @Test
    void buildContextIsLimitedToWhatTheImageTakes() throws Exception {
        assertThat(
                        Files.readAllLines(
                                DockerfileReferences.DOCKERFILE.resolveSibling(
                                        "Dockerfile.dockerignore")))
                .contains(
                        "*",
                        "!jobs/job-jar/target/sluice-jobs-*.jar",
                        "!sql/",
                        "!jobs/job-jar/target/flink-lib/");
    }
}
