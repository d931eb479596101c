package dev.sluice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What {@code deploy/Dockerfile} refers to, read from its instructions (continuation lines and
 * comments handled), with {@code ${ARG}} defaults substituted; and the Maven facts it must match.
 */
record DockerfileReferences(
        String baseImage, Map<String, String> args, List<Copy> copies, List<String> instructions) {

    static final Path REPOSITORY = Path.of("..");
    static final Path DOCKERFILE = REPOSITORY.resolve("deploy/Dockerfile");

    /** One COPY instruction: sources relative to the build context, and the destination. */
    record Copy(List<String> sources, String destination) {}

    private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    static DockerfileReferences read() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                instructions.add(current.toString());
                current.setLength(0);
            }
        }
        String baseImage = null;
        Map<String, String> args = new LinkedHashMap<>();
        List<Copy> copies = new ArrayList<>();
        for (String instruction : instructions) {
            String[] words = instruction.split("\\s+");
            switch (words[0].toUpperCase()) {
                case "FROM" -> baseImage = words[1];
                case "ARG" -> {
                    String[] arg = words[1].split("=", 2);
                    args.put(arg[0], arg.length == 2 ? arg[1] : null);
                }
                case "COPY" -> {
                    List<String> paths = new ArrayList<>();
                    for (int i = 1; i < words.length; i++) {
                        if (!words[i].startsWith("--")) {
                            paths.add(substitute(words[i], args));
                        }
                    }
                    copies.add(
                            new Copy(
                                    List.copyOf(paths.subList(0, paths.size() - 1)),
                                    paths.get(paths.size() - 1)));
                }
                default -> {}
            }
        }
        return new DockerfileReferences(baseImage, args, copies, instructions);
    }

    private static String substitute(String text, Map<String, String> args) {
        Matcher matcher = ARG_REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = args.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException(
                        "Dockerfile refers to ${" + matcher.group(1) + "} without an ARG default");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A direct child element's text of the root pom's project (e.g. version), or a property. */
    static String rootPom(String element) throws Exception {
        Document pom =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(REPOSITORY.resolve("pom.xml").toFile());
        Element project = pom.getDocumentElement();
        for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeName().equals(element)) {
                return child.getTextContent().strip();
            }
        }
        return pom.getElementsByTagName(element).item(0).getTextContent().strip();
    }
}
