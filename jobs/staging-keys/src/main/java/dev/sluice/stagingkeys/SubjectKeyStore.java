package dev.sluice.stagingkeys;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The keys of many subject ids at once (one round trip in the embedded store); ids without a
     * key are absent from the map.
     */
    default Map<String, WrappedKey> findAll(String subject, Collection<String> subjectIds) {
        Map<String, WrappedKey> found = new HashMap<>();
        for (String id : subjectIds) {
            find(subject, id).ifPresent(k -> found.put(id, k));
        }
        return found;
    }

    /**
     * Stores each candidate (subject id → key) unless that subject has a key already, in one
     * transaction in the embedded store; returns the key stored for every id (the existing one
     * where another writer won). Every returned key is durable when this returns.
     */
    default Map<String, WrappedKey> createAllIfAbsent(
            String subject, Map<String, WrappedKey> candidates) {
        Map<String, WrappedKey> stored = new HashMap<>();
        candidates.forEach((id, key) -> stored.put(id, createIfAbsent(subject, id, key)));
        return stored;
    }

    /**
     * The shred log: ids of keys destroyed after {@code position} (a position this method returned
     * before, or 0), and the position to ask from next time; for a negative position only where the
     * log ends now (no ids). Caches of data keys poll it to learn of shreds done by other processes
     * while they run. The log holds key ids only, never a subject id.
     */
    Shreds shredsSince(long position);

    /** Key ids destroyed since a position of the shred log, and the next position. */
    record Shreds(long position, List<String> keyIds) {}

    /** Destroys the subject's key; false when it had none (already destroyed: idempotent). */
    boolean destroy(String subject, String subjectId);

    /** Where the store is, for messages (never a secret). */
    String describe();

    @Override
    void close();
}
