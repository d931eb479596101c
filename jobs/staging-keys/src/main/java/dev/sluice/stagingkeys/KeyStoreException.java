package dev.sluice.stagingkeys;

/** The key store or the master key is missing, unreachable or wrong; the message says which. */
public final class KeyStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyStoreException(String message) {
        super(message);
    }

    public KeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
