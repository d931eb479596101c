package dev.sluice.deploy;

/** Input that cannot be rendered into manifests; the message names the field and the fix. */
public class DeployRenderException extends RuntimeException {
    public DeployRenderException(String message) {
        super(message);
    }
}
