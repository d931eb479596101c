package dev.sluice.policy.pseudonym;

/**
 * A key cannot be used: unknown name, missing master key, unreadable or tampered keyset. The
 * message names the key and says how to fix it; it never contains key material.
 */
public final class KeyUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message) {
        super(message);
    }

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
