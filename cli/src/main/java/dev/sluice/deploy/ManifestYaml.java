package dev.sluice.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes rendered objects as YAML: one multi-document stream, or one file per object. */
public final class ManifestYaml {
    private static final YAMLMapper YAML =
            new YAMLMapper(
                    YAMLFactory.builder()
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                            // "2" must stay a string: flinkConfiguration values are strings
                            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                            .disable(YAMLGenerator.Feature.SPLIT_LINES)
                            .build());

    private ManifestYaml() {}

    /** All objects as one YAML stream, each document starting with {@code ---}. */
    public static String toYaml(List<ObjectNode> objects) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode object : objects) {
            try {
                out.append(YAML.writeValueAsString(object));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("A JSON tree always serializes to YAML", e);
            }
        }
        return out.toString();
    }

    /**
     * Writes each object to {@code <dir>/<name>.<kind>.yaml} (kind in lower case) and returns the
     * files written.
     */
    public static List<Path> writeFiles(Path dir, List<ObjectNode> objects) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (ObjectNode object : objects) {
                String name = object.path("metadata").path("name").asText();
                String kind = object.path("kind").asText().toLowerCase(Locale.ROOT);
                Path file = dir.resolve(name + "." + kind + ".yaml");
                Files.writeString(file, toYaml(List.of(object)), StandardCharsets.UTF_8);
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write manifests to " + dir, e);
        }
        return written;
    }

    /** Reads every document of a YAML stream into trees (for tests and the render round trip). */
    public static List<ObjectNode> read(String yaml) {
        try {
            List<ObjectNode> objects = new ArrayList<>();
            try (var parser = YAML.getFactory().createParser(yaml)) {
                var iterator = YAML.readValues(parser, ObjectNode.class);
                while (iterator.hasNext()) {
                    ObjectNode next = iterator.next();
                    if (next != null) {
                        objects.add(next);
                    }
                }
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException("Invalid YAML", e);
        }
    }
}
