package dev.sluice.stagingkeys;

import java.util.Optional;

/**
 * Where wrapped data keys live: one per data subject ({@code subject}, {@code subjectId}), each
 * with a random key id that encrypted values name. Keys are stored wrapped (encrypted by the master
 * key); the store never sees a data key in clear. The embedded default is {@link
 * JdbcSubjectKeyStore} (a PostgreSQL table); a cloud KMS implements the same four operations.
 */
public interface SubjectKeyStore extends AutoCloseable {

    /** A data key as stored: its id and its bytes wrapped by the master key. */
    record WrappedKey(String keyId, byte[] wrapped) {}

    /**
     * Checks that the store is reachable and ready (creates its table when missing); throws {@link
     * KeyStoreException} naming the store otherwise. Jobs call it at start.
     */
    void check();

    /** The subject's key, if it has one (none before its first change, none after shredding). */
    Optional<WrappedKey> find(String subject, String subjectId);

    /** The key with this id, if it still exists (destroyed keys are gone). */
    Optional<WrappedKey> findById(String keyId);

    /**
     * Stores {@code candidate} as the subject's key unless it has one already; returns the key that
     * is stored (the existing one when another writer won).
     */
    WrappedKey createIfAbsent(String subject, String subjectId, WrappedKey candidate);

    /** Destroys the subject's key; false when it had none (already destroyed: idempotent). */
    boolean destroy(String subject, String subjectId);

    /** Where the store is, for messages (never a secret). */
    String describe();

    @Override
    void close();
}
