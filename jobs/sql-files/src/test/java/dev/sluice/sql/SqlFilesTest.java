package dev.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlFilesTest {

    @Test
    void readsPathsAndReportsMissingFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a.sql");
        Files.write(file, ("\uFEFFSELECT 1;").getBytes(StandardCharsets.UTF_8));
        assertThat(SqlFiles.read(file).text()).isEqualTo("SELECT 1;");
        assertThatThrownBy(() -> SqlFiles.read(dir.resolve("missing.sql").toString()))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e ->
                                assertThat(e.describe())
                                        .contains(
                                                "missing.sql:1:1: Cannot read file: No such file."));
        Path latin1 = dir.resolve("latin1.sql");
        Files.write(latin1, new byte[] {'S', 'E', 'L', (byte) 0xE9});
        assertThatThrownBy(() -> SqlFiles.read(latin1)).hasMessageContaining("Not valid UTF-8");
    }

    @Test
    void catalogFolderFromDiskAndFromAJarInNameOrder(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(folder.resolve("20_b.sql"), "SELECT 2;");
        Files.writeString(folder.resolve("10_a.sql"), "SELECT 1;");
        Files.writeString(folder.resolve("notes.txt"), "not sql");
        assertThat(SqlFiles.listCatalog(folder.toString()))
                .containsExactly(
                        folder.resolve("10_a.sql").toString(),
                        folder.resolve("20_b.sql").toString());

        Path jar = dir.resolve("job.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // folder entries, as Maven's jar and shade plugins write them
            for (String folderEntry : List.of("sql/", "sql/catalog/", "sql/pipelines/")) {
                out.putNextEntry(new JarEntry(folderEntry));
                out.closeEntry();
            }
            for (String name :
                    List.of(
                            "sql/catalog/20_b.sql",
                            "sql/catalog/10_a.sql",
                            "sql/pipelines/x.sql")) {
                out.putNextEntry(new JarEntry(name));
                OutputStream entry = out;
                entry.write(("-- " + name + "\nSELECT 1;").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(loader);
            assertThat(SqlFiles.listCatalog("classpath:sql/catalog"))
                    .containsExactly(
                            "classpath:sql/catalog/10_a.sql", "classpath:sql/catalog/20_b.sql");
            assertThat(SqlFiles.readCatalog("classpath:sql/catalog/"))
                    .extracting(SourceText::text)
                    .containsExactly(
                            "-- sql/catalog/10_a.sql\nSELECT 1;",
                            "-- sql/catalog/20_b.sql\nSELECT 1;");
            assertThat(SqlFiles.read("classpath:sql/pipelines/x.sql").name())
                    .isEqualTo("classpath:sql/pipelines/x.sql");
            assertThatThrownBy(() -> SqlFiles.read("classpath:sql/pipelines/none.sql"))
                    .hasMessageContaining("No such resource on the classpath");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
