package dev.sluice.gate;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.policy.model.PolicyLoader.PolicyText;
import dev.sluice.policy.model.PolicyProblem;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds policy files: a path (file or folder of {@code *.yaml}) or {@code classpath:sql/policy},
 * the copy of {@code sql/policy} the job jar carries, so a job started by a cluster checks itself
 * against the policy it was built with.
 */
public final class PolicySources {
    public static final String CLASSPATH_PREFIX = "classpath:";

    /** Where the example and build-time policy lives in the repository and the job jar. */
    public static final String DEFAULT_FOLDER = "sql/policy";

    private PolicySources() {}

    /**
     * Loads and composes the policy of every spec, in order, for the gate: a policy that maps no
     * source is refused, since the gate could then recognise no classified column.
     */
    public static Policy load(List<String> specs) {
        Policy policy = compose(specs);
        if (policy.sources().isEmpty()) {
            // without sources no column is ever recognised as classified: everything would pass
            throw new PolicyException(
                    List.of(
                            new PolicyProblem(
                                    new dev.sluice.policy.model.Origin(
                                            String.join(", ", policy.files()), 0, 0),
                                    "",
                                    "The policy maps no source table (no sources: entry), so the"
                                            + " gate could recognise no classified column and"
                                            + " would pass anything. Map the tables that hold"
                                            + " datasets, e.g. sources: [{table: staging.payments_*,"
                                            + " dataset: payments.*}], or run without the gate"
                                            + " with --no-policy.")));
        }
        return policy;
    }

    /**
     * Loads and composes the policy of every spec, in order, for what is not the gate (retention,
     * maintenance): a policy of retention entries alone is complete there.
     */
    public static Policy compose(List<String> specs) {
        List<PolicyText> texts = new ArrayList<>();
        for (String spec : specs) {
            texts.addAll(read(spec));
        }
        if (texts.isEmpty()) {
            throw new PolicyException(
                    List.of(
                            new PolicyProblem(
                                    new dev.sluice.policy.model.Origin(
                                            String.join(", ", specs), 0, 0),
                                    "",
                                    "No policy files (*.yaml) found. Give --policy FILE|DIR.")));
        }
        return PolicyLoader.compose(texts);
    }

    static List<PolicyText> read(String spec) {
        try {
            if (spec.startsWith(CLASSPATH_PREFIX)) {
                return readClasspath(spec.substring(CLASSPATH_PREFIX.length()));
            }
            List<PolicyText> out = new ArrayList<>();
            for (Path file : PolicyLoader.expand(Path.of(spec))) {
                try {
                    out.add(new PolicyText(file.toString(), Files.readString(file)));
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new PolicyException(
                            List.of(
                                    new PolicyProblem(
                                            new dev.sluice.policy.model.Origin(
                                                    file.toString(), 1, 1),
                                            "",
                                            "Not valid UTF-8 text. Save the policy file as"
                                                    + " UTF-8.")));
                }
            }
            return out;
        } catch (IOException | URISyntaxException e) {
            throw new PolicyException(
                    List.of(
                            new PolicyProblem(
                                    new dev.sluice.policy.model.Origin(spec, 0, 0),
                                    "",
                                    "Cannot read policy ("
                                            + e.getMessage()
                                            + "). Check the --policy path.")));
        }
    }

    private static List<PolicyText> readClasspath(String resource)
            throws IOException, URISyntaxException {
        String folder = resource.replaceAll("^/+|/+$", "");
        ClassLoader loader =
                Thread.currentThread().getContextClassLoader() != null
                        ? Thread.currentThread().getContextClassLoader()
                        : PolicySources.class.getClassLoader();
        URL url = loader.getResource(folder);
        if (url == null) {
            throw new IOException("no " + folder + " on the classpath");
        }
        URI uri = url.toURI();
        if ("jar".equals(uri.getScheme())) {
            String jarUri = uri.toString();
            Path jarFile = Path.of(URI.create(jarUri.substring(4, jarUri.indexOf("!/"))));
            try (FileSystem jar = FileSystems.newFileSystem(jarFile, Map.of())) {
                return readFolder(jar.getPath("/" + folder), CLASSPATH_PREFIX + folder + "/");
            }
        }
        return readFolder(Path.of(uri), CLASSPATH_PREFIX + folder + "/");
    }

    private static List<PolicyText> readFolder(Path folder, String prefix) throws IOException {
        List<PolicyText> out = new ArrayList<>();
        for (Path file : PolicyLoader.expand(folder)) {
            out.add(
                    new PolicyText(
                            prefix + file.getFileName(),
                            new String(Files.readAllBytes(file), StandardCharsets.UTF_8)));
        }
        return out;
    }
}
