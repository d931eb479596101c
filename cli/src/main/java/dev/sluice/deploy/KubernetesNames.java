package dev.sluice.deploy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Stable Kubernetes names for pipelines, derived from the SQL file name.
 *
 * <p>Names are DNS-1035 labels (lower-case letters, digits and '-', starting with a letter), which
 * are also valid RFC 1123 labels. They are at most {@value #MAX_LENGTH} characters: the operator
 * rejects longer {@code FlinkDeployment} names because it derives service names from them. A longer
 * name is cut and given a suffix hashed from the full name, so the same file always gets the same
 * name and two long names that share a prefix still differ.
 */
public final class KubernetesNames {
    /**
     * The operator's limit for {@code FlinkDeployment} names (it appends suffixes such as -rest).
     */
    public static final int MAX_LENGTH = 45;

    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern ALLOWED_FILE_STEM = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern SEPARATORS = Pattern.compile("[._-]+");
    private static final int SUFFIX_LENGTH = 8;

    private KubernetesNames() {}

    /**
     * The Kubernetes name of the pipeline in {@code fileName} (e.g. {@code
     * payments_to_warehouse.sql} becomes {@code payments-to-warehouse}).
     *
     * @throws DeployRenderException when the file name cannot become a Kubernetes name
     */
    public static String forPipelineFile(String fileName) {
        String stem =
                fileName.endsWith(".sql") ? fileName.substring(0, fileName.length() - 4) : fileName;
        return forPipeline(stem, fileName);
    }

    /**
     * The Kubernetes name of the pipeline called {@code pipelineName} (its {@code @name}, or its
     * file name without {@code .sql}) in {@code fileName}, which error messages name.
     *
     * @throws DeployRenderException when the name cannot become a Kubernetes name
     */
    public static String forPipeline(String pipelineName, String fileName) {
        String stem = pipelineName;
        if (!ALLOWED_FILE_STEM.matcher(stem).matches()) {
            throw new DeployRenderException(
                    "Invalid pipeline name: '"
                            + stem
                            + "' (file "
                            + fileName
                            + "). A Kubernetes name is derived from the file name, which may only"
                            + " contain letters, digits, '_', '-' and '.'; rename the file, e.g."
                            + " 'payments_to_warehouse.sql'.");
        }
        String name = SEPARATORS.matcher(stem.toLowerCase(Locale.ROOT)).replaceAll("-");
        name = trimDashes(name);
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            throw new DeployRenderException(
                    "Invalid pipeline name: '"
                            + stem
                            + "' (file "
                            + fileName
                            + "). A Kubernetes name must start with a letter (DNS-1035 label);"
                            + " rename the file so that it starts with a letter, e.g. 'p-"
                            + stem
                            + ".sql'.");
        }
        return fitted(name);
    }

    /** {@code name} cut to {@link #MAX_LENGTH} with a deterministic hash suffix when too long. */
    static String fitted(String name) {
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        String suffix = sha256Hex(name).substring(0, SUFFIX_LENGTH);
        String head = trimDashes(name.substring(0, MAX_LENGTH - SUFFIX_LENGTH - 1));
        return head + "-" + suffix;
    }

    /** Whether {@code name} is a name the operator accepts for a {@code FlinkDeployment}. */
    public static boolean isValid(String name) {
        return name != null
                && name.length() <= MAX_LENGTH
                && DNS_1035_LABEL.matcher(name).matches();
    }

    private static String trimDashes(String name) {
        int start = 0;
        int end = name.length();
        while (start < end && name.charAt(start) == '-') {
            start++;
        }
        while (end > start && name.charAt(end - 1) == '-') {
            end--;
        }
        return name.substring(start, end);
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
