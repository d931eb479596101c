package dev.sluice.deploy;

import java.util.regex.Pattern;

/**
 * One environment variable of the Flink pods taken from a key of a Kubernetes Secret. Only the
 * names travel into manifests; the value stays in the cluster.
 */
public record SecretRef(String variable, String secretName, String key) {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    // RFC 1123 subdomain, the rule for Secret names
    private static final Pattern SECRET_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    public SecretRef {
        if (variable == null || !ENV_NAME.matcher(variable).matches()) {
            throw new DeployRenderException(
                    "Invalid secret variable: '"
                            + variable
                            + "'. Use an environment variable name such as PG_PASSWORD.");
        }
        if (secretName == null
                || secretName.length() > 253
                || !SECRET_NAME.matcher(secretName).matches()) {
            throw new DeployRenderException(
                    "Invalid secret name for "
                            + variable
                            + ": '"
                            + secretName
                            + "'. A Kubernetes Secret name is lower case letters, digits, '-' and"
                            + " '.', e.g. sluice-postgres.");
        }
        if (key == null || key.length() > 253 || !SECRET_KEY.matcher(key).matches()) {
            throw new DeployRenderException(
                    "Invalid secret key for "
                            + variable
                            + ": '"
                            + key
                            + "'. A Secret key is letters, digits, '-', '_' and '.', e.g. password.");
        }
    }

    /**
     * Parses {@code VARIABLE=secret-name/key}, the form of the {@code --secret} option.
     *
     * @throws DeployRenderException naming the option when the text has another form
     */
    public static SecretRef parse(String text) {
        int equals = text.indexOf('=');
        int slash = text.indexOf('/', Math.max(equals, 0));
        if (equals <= 0 || slash < 0) {
            throw new DeployRenderException(
                    "Invalid --secret: '"
                            + text
                            + "'. Use VARIABLE=secret-name/key, e.g."
                            + " --secret PG_PASSWORD=sluice-postgres/password.");
        }
        return new SecretRef(
                text.substring(0, equals),
                text.substring(equals + 1, slash),
                text.substring(slash + 1));
    }
}
