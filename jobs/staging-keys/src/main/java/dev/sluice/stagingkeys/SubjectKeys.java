package dev.sluice.stagingkeys;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of staged values, one data key per subject. Data keys are AES-256 keys from
 * the JDK's {@link KeyGenerator}, stored wrapped (AES-256-GCM under the master key, the key id as
 * associated data) in a {@link SubjectKeyStore}. A value is encrypted with AES-256-GCM (96-bit
 * nonce counting up from a random start per thread, the key id and column name as associated data)
 * into a token {@code sluice-enc:v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>}. Once the
 * subject's key is destroyed, no token naming it can be decrypted again: {@link #decrypt} returns
 * empty.
 *
 * <p>Unwrapped keys are cached in a bounded LRU ({@link #MAX_CACHED} per direction) for at most
 * {@link #CACHE_TTL}. A cache learns of a key destroyed by another process from the store's shred
 * log ({@link SubjectKeyStore#shredsSince}), polled before a cached key is used when {@link
 * #SHRED_POLL} has passed since the last poll, and whenever {@link #refreshShreds()} is called (the
 * ingest does at every checkpoint barrier): a destroyed key is used at most {@link #SHRED_POLL}
 * after its destroy committed, never later. {@link #destroy} evicts in its own process at once.
 * {@link #prepare} fetches or creates the keys of many subjects in one round trip.
 */
public final class SubjectKeys implements AutoCloseable {

    public static final String TOKEN_PREFIX = "sluice-enc:v1:";
    public static final Duration CACHE_TTL = Duration.ofSeconds(60);
    public static final Duration SHRED_POLL = Duration.ofSeconds(1);
    static final int MAX_CACHED = 200_000;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SubjectKeyStore store;
    private final SecretKey master;
    private final String masterKeyEnv;
    private final SecureRandom random = newRandom();
    // Cipher.getInstance looks the provider up each time: one instance per thread, re-initialised
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(SubjectKeys::newGcm);
    // a DRBG call per value was the largest cost of the stream (JFR): nonces count up from a
    // random 96-bit start per thread instead
    private static final ThreadLocal<Nonces> NONCES = ThreadLocal.withInitial(Nonces::new);
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final byte[] TOKEN_PREFIX_BYTES =
            TOKEN_PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<KeyGenerator> KEYS =
            ThreadLocal.withInitial(SubjectKeys::newKeyGenerator);
    private final Lru bySubject = new Lru();
    private final Lru byId = new Lru();
    // key id -> cache key of bySubject, to evict a shredded key found by id
    private final Map<String, String> subjectOfKey = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final long pollNanos;
    private volatile long shredPosition = -1;
    private volatile long nextPoll;

    private record Cached(String keyId, SecretKey key, long expires) {}

    /** An LRU of cached keys, bounded to {@link #MAX_CACHED} entries. */
    private static final class Lru {
        private final Map<String, Cached> map =
                new LinkedHashMap<>(1024, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                        return size() > MAX_CACHED;
                    }
                };

        synchronized Cached get(String key) {
            return map.get(key);
        }

        synchronized void put(String key, Cached value) {
            map.put(key, value);
        }

        synchronized Cached remove(String key) {
            return map.remove(key);
        }

        synchronized int size() {
            return map.size();
        }
    }

    /**
     * GCM nonces of one thread: a random 96-bit start drawn from the DRBG, then that start with its
     * low 64 bits XORed with a counter (the deterministic construction of NIST SP 800-38D 8.2.1,
     * with a random rather than a fixed field). Two threads or processes repeat a nonce only if
     * their random starts fall within their counts of each other: about n·m / 2^96 for n and m
     * values. A new start is drawn after 2^32 values.
     */
    private static final class Nonces {
        private final byte[] start = new byte[NONCE_BYTES];
        private long count = -1;

        byte[] next(SecureRandom random) {
            if (count < 0 || count >= (1L << 32)) {
                random.nextBytes(start);
                count = 0;
            }
            byte[] nonce = start.clone();
            long c = count++;
            for (int i = 0; i < 8; i++) {
                nonce[NONCE_BYTES - 1 - i] ^= (byte) (c >>> (8 * i));
            }
            return nonce;
        }
    }

    SubjectKeys(SubjectKeyStore store, byte[] masterKey, String masterKeyEnv) {
        this(store, masterKey, masterKeyEnv, CACHE_TTL);
    }

    public SubjectKeys(
            SubjectKeyStore store, byte[] masterKey, String masterKeyEnv, Duration cacheTtl) {
        this(store, masterKey, masterKeyEnv, cacheTtl, SHRED_POLL);
    }

    public SubjectKeys(
            SubjectKeyStore store,
            byte[] masterKey,
            String masterKeyEnv,
            Duration cacheTtl,
            Duration shredPoll) {
        this.store = store;
        this.master = new SecretKeySpec(masterKey, "AES");
        this.masterKeyEnv = masterKeyEnv;
        this.ttlNanos = cacheTtl.toNanos();
        this.pollNanos = shredPoll.toNanos();
    }

    public SubjectKeyStore store() {
        return store;
    }

    /**
     * Encrypts {@code plaintext} of {@code column} under the subject's key (created on first use).
     */
    public String encrypt(String subject, String subjectId, String column, byte[] plaintext) {
        ByteArrayOutputStream token = new ByteArrayOutputStream(TOKEN_PREFIX.length() + 160);
        encryptTo(subject, subjectId, column, plaintext, 0, plaintext.length, token);
        return token.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Appends to {@code out} the token of {@code plaintext[offset, offset + length)}, the same as
     * {@link #encrypt} returns, as ASCII bytes: without the intermediate copies, arrays and strings
     * per value (the ingest encrypts every classified value of every change).
     */
    public void encryptTo(
            String subject,
            String subjectId,
            String column,
            byte[] plaintext,
            int offset,
            int length,
            ByteArrayOutputStream out) {
        Cached key = subjectKey(subject, subjectId);
        byte[] nonce = NONCES.get().next(random);
        Scratch scratch = SCRATCH.get();
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] keyId = key.keyId().getBytes(StandardCharsets.UTF_8);
            cipher.updateAAD(scratch.aad, 0, scratch.aad(keyId, column));
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, offset, length, sealed, NONCE_BYTES);
            byte[] base64 = scratch.base64(4 * ((sealed.length + 2) / 3));
            int encoded = Base64.getEncoder().encode(sealed, base64);
            out.write(TOKEN_PREFIX_BYTES, 0, TOKEN_PREFIX_BYTES.length);
            out.write(keyId, 0, keyId.length);
            out.write(':');
            out.write(base64, 0, encoded);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /** Buffers of one thread for {@link #encryptTo}, reused from value to value. */
    private static final class Scratch {
        private byte[] aad = new byte[128];
        private byte[] base64 = new byte[256];

        /** Fills {@link #aad} as {@link SubjectKeys#aad} builds it; returns its length. */
        int aad(byte[] keyId, String column) {
            byte[] name = column.getBytes(StandardCharsets.UTF_8);
            int length = keyId.length + 1 + name.length;
            if (aad.length < length) {
                aad = new byte[2 * length];
            }
            System.arraycopy(keyId, 0, aad, 0, keyId.length);
            aad[keyId.length] = 0;
            System.arraycopy(name, 0, aad, keyId.length + 1, name.length);
            return length;
        }

        byte[] base64(int length) {
            if (base64.length < length) {
                base64 = new byte[2 * length];
            }
            return base64;
        }
    }

    public static boolean isToken(String text) {
        return text != null && text.startsWith(TOKEN_PREFIX);
    }

    /**
     * Decrypts a token of {@code column}; empty when the key it names was destroyed (shredded).
     * Throws when the token is damaged or was made for another column or master key.
     */
    public Optional<byte[]> decrypt(String column, String token) {
        int colon = token.indexOf(':', TOKEN_PREFIX.length());
        if (!isToken(token) || colon < 0) {
            throw new IllegalArgumentException(
                    "Column " + column + " holds a malformed encrypted value (no key id).");
        }
        String keyId = token.substring(TOKEN_PREFIX.length(), colon);
        Cached key = keyById(keyId);
        if (key.key() == null) {
            return Optional.empty();
        }
        try {
            byte[] sealed = Base64.getDecoder().decode(token.substring(colon + 1));
            Cipher cipher = GCM.get();
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key.key(),
                    new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(aad(keyId, column));
            return Optional.of(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "The encrypted value of column "
                            + column
                            + " does not decrypt with its key "
                            + keyId
                            + " (damaged, or copied from another column).",
                    e);
        }
    }

    /** Destroys the subject's data key; false when it had none. Forgets it in this cache. */
    public boolean destroy(String subject, String subjectId) {
        Cached cached = bySubject.remove(cacheKey(subject, subjectId));
        if (cached != null && cached.keyId() != null) {
            byId.remove(cached.keyId());
            subjectOfKey.remove(cached.keyId());
        }
        return store.destroy(subject, subjectId);
    }

    /**
     * Whether the subject's key is in this cache and fresh: {@link #encrypt} then needs no round
     * trip to the store.
     */
    public boolean hasKey(String subject, String subjectId) {
        pollShredsWhenDue();
        Cached cached = bySubject.get(cacheKey(subject, subjectId));
        return cached != null && cached.expires() - System.nanoTime() > 0;
    }

    /**
     * Fetches the keys of these subject ids into the cache, creating the missing ones: one SELECT,
     * then one multi-row INSERT (one commit) and one SELECT for ids another writer keyed first.
     * When this returns every listed subject has a key that is durable in the store.
     */
    public void prepare(String subject, Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return;
        }
        pollShredsWhenDue();
        Map<String, SubjectKeyStore.WrappedKey> found = store.findAll(subject, subjectIds);
        Map<String, SubjectKeyStore.WrappedKey> candidates = new HashMap<>();
        for (String id : subjectIds) {
            if (!found.containsKey(id)) {
                candidates.put(id, newWrappedKey());
            }
        }
        Map<String, SubjectKeyStore.WrappedKey> all = new HashMap<>(found);
        all.putAll(store.createAllIfAbsent(subject, candidates));
        for (Map.Entry<String, SubjectKeyStore.WrappedKey> e : all.entrySet()) {
            SubjectKeyStore.WrappedKey wrapped = e.getValue();
            cacheSubjectKey(
                    cacheKey(subject, e.getKey()),
                    new Cached(wrapped.keyId(), unwrap(wrapped), expiry()));
        }
    }

    /**
     * Reads the store's shred log now and evicts every key destroyed since the last read (by any
     * process). The first call only notes where the log ends: this cache was empty before it.
     */
    public void refreshShreds() {
        synchronized (this) {
            if (shredPosition < 0) {
                // nothing cached predates this: the log's end is where we start
                shredPosition = store.shredsSince(-1).position();
            } else {
                SubjectKeyStore.Shreds shreds = store.shredsSince(shredPosition);
                for (String keyId : shreds.keyIds()) {
                    evict(keyId);
                }
                shredPosition = shreds.position();
            }
            nextPoll = System.nanoTime() + pollNanos;
        }
    }

    private void pollShredsWhenDue() {
        if (shredPosition < 0 || nextPoll - System.nanoTime() <= 0) {
            refreshShreds();
        }
    }

    private void evict(String keyId) {
        Cached byKey = byId.get(keyId);
        if (byKey != null && byKey.key() != null) {
            byId.put(keyId, new Cached(keyId, null, expiry())); // known destroyed
        }
        String subject = subjectOfKey.remove(keyId);
        if (subject != null) {
            Cached cached = bySubject.get(subject);
            if (cached != null && keyId.equals(cached.keyId())) {
                bySubject.remove(subject);
            }
        }
    }

    private Cached subjectKey(String subject, String subjectId) {
        pollShredsWhenDue();
        String cacheKey = cacheKey(subject, subjectId);
        Cached cached = bySubject.get(cacheKey);
        if (cached != null && cached.expires() - System.nanoTime() > 0) {
            return cached;
        }
        SubjectKeyStore.WrappedKey wrapped =
                store.find(subject, subjectId)
                        .orElseGet(() -> store.createIfAbsent(subject, subjectId, newWrappedKey()));
        Cached fresh = new Cached(wrapped.keyId(), unwrap(wrapped), expiry());
        cacheSubjectKey(cacheKey, fresh);
        return fresh;
    }

    private void cacheSubjectKey(String cacheKey, Cached key) {
        bySubject.put(cacheKey, key);
        subjectOfKey.put(key.keyId(), cacheKey);
        if (subjectOfKey.size() > 2 * MAX_CACHED) {
            // entries of keys the LRU dropped: rebuild from what is cached
            subjectOfKey.keySet().removeIf(id -> byIdOrSubjectGone(id));
        }
    }

    private boolean byIdOrSubjectGone(String keyId) {
        String subject = subjectOfKey.get(keyId);
        if (subject == null) {
            return true;
        }
        Cached cached = bySubject.get(subject);
        return cached == null || !keyId.equals(cached.keyId());
    }

    private static String cacheKey(String subject, String subjectId) {
        return subject + '\u0000' + subjectId;
    }

    private Cached keyById(String keyId) {
        pollShredsWhenDue();
        Cached cached = byId.get(keyId);
        if (cached != null && cached.expires() - System.nanoTime() > 0) {
            return cached;
        }
        Cached fresh =
                store.findById(keyId)
                        .map(w -> new Cached(keyId, unwrap(w), expiry()))
                        .orElseGet(() -> new Cached(keyId, null, expiry()));
        byId.put(keyId, fresh);
        return fresh;
    }

    private long expiry() {
        return System.nanoTime() + ttlNanos;
    }

    private SubjectKeyStore.WrappedKey newWrappedKey() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String keyId = HexFormat.of().formatHex(id);
        try {
            KeyGenerator generator = KEYS.get();
            generator.init(256, random);
            byte[] dataKey = generator.generateKey().getEncoded();
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(wrapAad(keyId));
            byte[] sealed = cipher.doFinal(dataKey);
            return new SubjectKeyStore.WrappedKey(
                    keyId,
                    ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    private SecretKey unwrap(SubjectKeyStore.WrappedKey wrapped) {
        byte[] sealed = wrapped.wrapped();
        try {
            Cipher cipher = GCM.get();
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    master,
                    new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(wrapAad(wrapped.keyId()));
            return new SecretKeySpec(
                    cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), "AES");
        } catch (GeneralSecurityException e) {
            throw new KeyStoreException(
                    "Data key "
                            + wrapped.keyId()
                            + " of the "
                            + store.describe()
                            + " does not unwrap with the master key in environment variable "
                            + masterKeyEnv
                            + ": it was wrapped by another master key (restore the master key"
                            + " that goes with this key table).",
                    e);
        }
    }

    /** A DRBG (NIST SP 800-90A, pure Java): no lock on /dev/urandom per nonce. */
    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private static Cipher newGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    private static KeyGenerator newKeyGenerator() {
        try {
            return KeyGenerator.getInstance("AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available in this JVM", e);
        }
    }

    private static byte[] aad(String keyId, String column) {
        return (keyId + '\u0000' + column).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wrapAad(String keyId) {
        return ("sluice-data-key\u0000" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        store.close();
    }
}
