package dev.sluice.ingest;

/**
 * The ingest job cannot start because of its configuration or its environment; the message says how
 * to fix it.
 */
public final class IngestSetupException extends RuntimeException {
    public IngestSetupException(String message) {
        super(message);
    }

    public IngestSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
