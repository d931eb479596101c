package dev.sluice.ingest.mysql;

/** The source or Kafka is not ready for ingest; the message says what and how to fix it. */
public final class IngestSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IngestSetupException(String message) {
        super(message);
    }

    public IngestSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
