package dev.sluice.stagingkeys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
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
 * associated data) in a {@link SubjectKeyStore}. A value is encrypted with AES-256-GCM (random
 * 96-bit nonce, the key id and column name as associated data) into a token {@code
 * sluice-enc:v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>}. Once the subject's key is destroyed,
 * no token naming it can be decrypted again: {@link #decrypt} returns empty.
 *
 * <p>Keys are cached for {@link #CACHE_TTL} (destroyed ones too, as absent): a key destroyed while
 * a job runs stops decrypting there within that time.
 */
public final class SubjectKeys implements AutoCloseable {

    public static final String TOKEN_PREFIX = "sluice-enc:v1:";
    public static final Duration CACHE_TTL = Duration.ofSeconds(60);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_CACHED = 200_000;

    private final SubjectKeyStore store;
    private final SecretKey master;
    private final String masterKeyEnv;
    private final SecureRandom random = newRandom();
    // Cipher.getInstance looks the provider up each time: one instance per thread, re-initialised
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(SubjectKeys::newGcm);
    private final ConcurrentHashMap<String, Cached> bySubject = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached> byId = new ConcurrentHashMap<>();
    private final long ttlNanos;

    private record Cached(String keyId, SecretKey key, long expires) {}

    SubjectKeys(SubjectKeyStore store, byte[] masterKey, String masterKeyEnv) {
        this(store, masterKey, masterKeyEnv, CACHE_TTL);
    }

    public SubjectKeys(
            SubjectKeyStore store, byte[] masterKey, String masterKeyEnv, Duration cacheTtl) {
        this.store = store;
        this.master = new SecretKeySpec(masterKey, "AES");
        this.masterKeyEnv = masterKeyEnv;
        this.ttlNanos = cacheTtl.toNanos();
    }

    public SubjectKeyStore store() {
        return store;
    }

    /**
     * Encrypts {@code plaintext} of {@code column} under the subject's key (created on first use).
     */
    public String encrypt(String subject, String subjectId, String column, byte[] plaintext) {
        Cached key = subjectKey(subject, subjectId);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(key.keyId(), column));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out =
                    ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array();
            return TOKEN_PREFIX + key.keyId() + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
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
        }
        boolean destroyed = store.destroy(subject, subjectId);
        byId.values().removeIf(c -> c.key() == null);
        return destroyed;
    }

    private Cached subjectKey(String subject, String subjectId) {
        String cacheKey = cacheKey(subject, subjectId);
        Cached cached = bySubject.get(cacheKey);
        if (cached != null && cached.expires() - System.nanoTime() > 0) {
            return cached;
        }
        SubjectKeyStore.WrappedKey wrapped =
                store.find(subject, subjectId)
                        .orElseGet(() -> store.createIfAbsent(subject, subjectId, newWrappedKey()));
        Cached fresh = new Cached(wrapped.keyId(), unwrap(wrapped), expiry());
        put(bySubject, cacheKey, fresh);
        return fresh;
    }

    private static String cacheKey(String subject, String subjectId) {
        return subject + '\u0000' + subjectId;
    }

    private Cached keyById(String keyId) {
        Cached cached = byId.get(keyId);
        if (cached != null && cached.expires() - System.nanoTime() > 0) {
            return cached;
        }
        Cached fresh =
                store.findById(keyId)
                        .map(w -> new Cached(keyId, unwrap(w), expiry()))
                        .orElseGet(() -> new Cached(keyId, null, expiry()));
        put(byId, keyId, fresh);
        return fresh;
    }

    private void put(ConcurrentHashMap<String, Cached> cache, String key, Cached value) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, value);
    }

    private long expiry() {
        return System.nanoTime() + ttlNanos;
    }

    private SubjectKeyStore.WrappedKey newWrappedKey() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String keyId = HexFormat.of().formatHex(id);
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, random);
            byte[] dataKey = generator.generateKey().getEncoded();
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
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
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
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
