package dev.sluice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a kustomize overlay in Java, for machines without kubectl: only the kustomization fields
 * the overlays under {@code deploy/} use, with kustomize's semantics for them (patches of custom
 * resources merge like JSON merge patches: maps merge, null removes, lists are replaced). Any other
 * field fails, so an overlay cannot silently outgrow it; {@code CommittedManifestsTest} checks it
 * against {@code kubectl kustomize} wherever kubectl is installed.
 */
final class KustomizeAssembly {
    private static final Set<String> SUPPORTED =
            Set.of(
                    "apiVersion",
                    "kind",
                    "resources",
                    "components",
                    "namespace",
                    "configMapGenerator",
                    "patches",
                    "images",
                    "configurations");

    private final List<ObjectNode> resources = new ArrayList<>();
    private final List<ObjectNode> imageFields = new ArrayList<>();

    private KustomizeAssembly() {}

    /** The objects {@code kubectl kustomize dir} would print: ConfigMaps first, then the rest. */
    static List<ObjectNode> build(Path dir) {
        KustomizeAssembly assembly = new KustomizeAssembly();
        assembly.apply(dir);
        List<ObjectNode> ordered = new ArrayList<>();
        assembly.resources.stream().filter(r -> kind(r).equals("ConfigMap")).forEach(ordered::add);
        assembly.resources.stream().filter(r -> !kind(r).equals("ConfigMap")).forEach(ordered::add);
        return ordered;
    }

    private void apply(Path dir) {
        ObjectNode kustomization = read(dir.resolve("kustomization.yaml")).get(0);
        kustomization
                .fieldNames()
                .forEachRemaining(
                        field -> {
                            if (!SUPPORTED.contains(field)) {
                                throw new IllegalStateException(
                                        dir
                                                + "/kustomization.yaml uses '"
                                                + field
                                                + "', which this assembly does not support;"
                                                + " build it with kubectl kustomize.");
                            }
                        });
        for (JsonNode configuration : kustomization.path("configurations")) {
            for (JsonNode image : read(dir.resolve(configuration.asText())).get(0).path("images")) {
                imageFields.add((ObjectNode) image);
            }
        }
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                apply(path);
            } else {
                resources.addAll(read(path));
            }
        }
        for (JsonNode component : kustomization.path("components")) {
            apply(dir.resolve(component.asText()).normalize());
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            if (!generator.at("/options/disableNameSuffixHash").asBoolean()) {
                throw new IllegalStateException(
                        dir + ": only configMapGenerator with disableNameSuffixHash is supported");
            }
            ObjectNode configMap = JsonNodeFactory.instance.objectNode();
            configMap.put("apiVersion", "v1");
            configMap.put("kind", "ConfigMap");
            configMap.putObject("metadata").put("name", generator.path("name").asText());
            ObjectNode data = configMap.putObject("data");
            for (JsonNode literal : generator.path("literals")) {
                String[] keyValue = literal.asText().split("=", 2);
                data.put(keyValue[0], keyValue[1]);
            }
            resources.add(configMap);
        }
        for (JsonNode patch : kustomization.path("patches")) {
            ObjectNode patchDocument = read(dir.resolve(patch.path("path").asText())).get(0);
            for (ObjectNode resource : resources) {
                if (matches(resource, patch.path("target"))) {
                    mergePatch(resource, withoutName(patchDocument));
                }
            }
        }
        if (kustomization.has("namespace")) {
            for (ObjectNode resource : resources) {
                ((ObjectNode) resource.get("metadata"))
                        .put("namespace", kustomization.get("namespace").asText());
            }
        }
        for (JsonNode image : kustomization.path("images")) {
            setImages(image);
        }
    }

    private void setImages(JsonNode image) {
        String name = image.path("name").asText();
        for (ObjectNode resource : resources) {
            for (ObjectNode field : imageFields) {
                if (!field.path("kind").asText().equals(kind(resource))) {
                    continue;
                }
                ObjectNode parent = resource;
                String[] path = field.path("path").asText().split("/");
                for (int i = 0; i < path.length - 1 && parent != null; i++) {
                    parent = (ObjectNode) parent.get(path[i]);
                }
                String leaf = path[path.length - 1];
                if (parent == null || !parent.has(leaf)) {
                    continue;
                }
                String current = parent.get(leaf).asText();
                int colon = current.lastIndexOf(':');
                String repository =
                        colon > current.lastIndexOf('/') ? current.substring(0, colon) : current;
                String tag = colon > current.lastIndexOf('/') ? current.substring(colon + 1) : null;
                if (repository.equals(name)) {
                    String newName =
                            image.has("newName") ? image.get("newName").asText() : repository;
                    String newTag = image.has("newTag") ? image.get("newTag").asText() : tag;
                    parent.put(leaf, newTag == null ? newName : newName + ":" + newTag);
                }
            }
        }
    }

    private static boolean matches(ObjectNode resource, JsonNode target) {
        return (!target.has("kind") || target.get("kind").asText().equals(kind(resource)))
                && (!target.has("name")
                        || target.get("name")
                                .asText()
                                .equals(resource.at("/metadata/name").asText()));
    }

    /** With a target, kustomize ignores the patch's own name. */
    private static ObjectNode withoutName(ObjectNode patch) {
        ObjectNode copy = patch.deepCopy();
        copy.remove("apiVersion");
        copy.remove("kind");
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("name");
            if (metadata.isEmpty()) {
                copy.remove("metadata");
            }
        }
        return copy;
    }

    /** RFC 7386: maps merge, null removes, anything else replaces. */
    static void mergePatch(ObjectNode target, ObjectNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value instanceof ObjectNode patchObject
                    && target.get(field.getKey()) instanceof ObjectNode targetObject) {
                mergePatch(targetObject, patchObject);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }

    private static String kind(JsonNode resource) {
        return resource.path("kind").asText();
    }

    private static List<ObjectNode> read(Path file) {
        try {
            return ManifestYaml.read(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
