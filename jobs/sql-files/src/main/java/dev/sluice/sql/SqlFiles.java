package dev.sluice.sql;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads SQL files from disk or from the classpath ({@code classpath:sql/...}, how the job jar
 * carries the {@code sql/} folder), and lists catalog folders.
 */
public final class SqlFiles {
    public static final String CLASSPATH_PREFIX = "classpath:";

    private SqlFiles() {}

    /**
     * Reads a file given as a path or as {@code classpath:resource}.
     *
     * @throws SqlFileException if it does not exist or cannot be read as UTF-8
     */
    public static SourceText read(String spec) {
        if (spec.startsWith(CLASSPATH_PREFIX)) {
            String resource = stripSlash(spec.substring(CLASSPATH_PREFIX.length()));
            try (InputStream in = classLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw unreadable(
                            spec,
                            "No such resource on the classpath. Resources of the job jar are under"
                                    + " sql/, e.g. classpath:sql/pipelines/payments/payments_to_warehouse.sql.");
                }
                return new SourceText(spec, decode(spec, in.readAllBytes()));
            } catch (IOException e) {
                throw unreadable(spec, e.getMessage());
            }
        }
        return read(Path.of(spec), spec);
    }

    public static SourceText read(Path file) {
        return read(file, file.toString());
    }

    /**
     * The {@code *.sql} files of a catalog folder (a path or {@code classpath:folder}), sorted by
     * name.
     *
     * @throws SqlFileException if the folder does not exist
     */
    public static List<SourceText> readCatalog(String folderSpec) {
        List<SourceText> files = new ArrayList<>();
        for (String spec : listCatalog(folderSpec)) {
            files.add(read(spec));
        }
        return files;
    }

    /** The specs of the {@code *.sql} files of a catalog folder, sorted by name. */
    public static List<String> listCatalog(String folderSpec) {
        if (folderSpec.startsWith(CLASSPATH_PREFIX)) {
            String folder = stripSlash(folderSpec.substring(CLASSPATH_PREFIX.length()));
            URL url = classLoader().getResource(folder);
            if (url == null) {
                throw unreadable(folderSpec, "No such folder on the classpath.");
            }
            try {
                URI uri = url.toURI();
                if ("jar".equals(uri.getScheme())) {
                    String jarUri = uri.toString();
                    Path jarFile = Path.of(URI.create(jarUri.substring(4, jarUri.indexOf("!/"))));
                    // our own view of the jar: never shares (or closes) one opened elsewhere
                    try (FileSystem jar = FileSystems.newFileSystem(jarFile, Map.of())) {
                        return listFolder(
                                jar.getPath("/" + folder), CLASSPATH_PREFIX + folder + "/");
                    }
                }
                return listFolder(Path.of(uri), CLASSPATH_PREFIX + folder + "/");
            } catch (IOException | URISyntaxException e) {
                throw unreadable(folderSpec, e.getMessage());
            }
        }
        Path folder = Path.of(folderSpec);
        if (!Files.isDirectory(folder)) {
            throw unreadable(
                    folderSpec,
                    "Catalog folder not found. Give the folder of the shared table definitions with"
                            + " --catalog DIR (default sql/catalog).");
        }
        try {
            return listFolder(folder, null);
        } catch (IOException e) {
            throw unreadable(folderSpec, e.getMessage());
        }
    }

    private static List<String> listFolder(Path folder, String classpathPrefix) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .filter(p -> !Files.isDirectory(p))
                    .sorted(
                            (a, b) ->
                                    a.getFileName()
                                            .toString()
                                            .compareTo(b.getFileName().toString()))
                    .map(
                            p ->
                                    classpathPrefix == null
                                            ? p.toString()
                                            : classpathPrefix + p.getFileName())
                    .toList();
        }
    }

    private static SourceText read(Path file, String name) {
        try {
            return new SourceText(name, decode(name, Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            throw unreadable(
                    name,
                    "No such file. Check the path (relative to "
                            + Path.of("").toAbsolutePath()
                            + ").");
        } catch (IOException e) {
            throw unreadable(
                    name,
                    e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + ". Check the file permissions.");
        }
    }

    private static String decode(String name, byte[] bytes) {
        try {
            String text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .decode(java.nio.ByteBuffer.wrap(bytes))
                            .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw unreadable(name, "Not valid UTF-8 text. Save the file as UTF-8.");
        }
    }

    private static String stripSlash(String resource) {
        String stripped = resource.startsWith("/") ? resource.substring(1) : resource;
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : SqlFiles.class.getClassLoader();
    }

    private static SqlFileException unreadable(String name, String why) {
        return new SqlFileException(new SourceLocation(name, 1, 1), "", "Cannot read file: " + why);
    }
}
