package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * After {@code package}: the jar {@code deploy/Dockerfile} copies is the one this build wrote, and
 * it carries what the manifests start (the SQL folder and the deploy classes).
 */
class DockerfileITCase {

    @Test
    void dockerfileCopiesTheJarThisBuildProduced() throws Exception {
        String builtJar = System.getProperty("sluice.jobJar");
        assertThat(builtJar).as("failsafe passes sluice.jobJar").isNotNull();
        Path built = Path.of(builtJar).toAbsolutePath().normalize();
        assertThat(built).isRegularFile();

        DockerfileReferences dockerfile = DockerfileReferences.read();
        Path copied =
                DockerfileReferences.REPOSITORY
                        .resolve(dockerfile.copies().get(0).sources().get(0))
                        .toAbsolutePath()
                        .normalize();
        assertThat(copied).isEqualTo(built);

        try (JarFile jar = new JarFile(built.toFile())) {
            assertThat(jar.getEntry("sql/pipelines/payments/payments_to_warehouse.sql"))
                    .isNotNull();
            // the entry class every rendered manifest starts
            String entryClass = ManifestRenderer.PIPELINE_ENTRY_CLASS.replace('.', '/') + ".class";
            assertThat(jar.getEntry(entryClass)).as(entryClass).isNotNull();
        }
        Path flinkLib =
                DockerfileReferences.REPOSITORY.resolve(
                        dockerfile.copies().get(2).sources().get(0));
        try (var jars = Files.list(flinkLib)) {
            assertThat(jars.map(jar -> jar.getFileName().toString()))
                    .as("Hadoop and the AWS SDK of S3FileIO for Flink's lib/")
                    .hasSize(3)
                    .anyMatch(name -> name.startsWith("hadoop-client-api-"))
                    .anyMatch(name -> name.startsWith("hadoop-client-runtime-"))
                    .anyMatch(name -> name.startsWith("iceberg-aws-bundle-"));
        }
        try (var sql = Files.walk(DockerfileReferences.REPOSITORY.resolve("sql"))) {
            assertThat(sql.filter(p -> p.toString().endsWith(".sql")).count()).isPositive();
        }
    }
}
