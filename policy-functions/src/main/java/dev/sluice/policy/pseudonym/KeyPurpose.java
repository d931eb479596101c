package dev.sluice.policy.pseudonym;

/** What a named key is used for; each purpose has its own keyset under the key name. */
public enum KeyPurpose {
    /** HMAC-SHA256 keyset of {@code pseudonymize}. */
    PSEUDONYMIZE("pseudonymize"),
    /** AES-SIV keyset of {@code encrypt_deterministic} and {@code decrypt_deterministic}. */
    DETERMINISTIC_ENCRYPTION("deterministic-encryption");

    private final String id;

    KeyPurpose(String id) {
        this.id = id;
    }

    /** The identifier used in keyset files. */
    public String id() {
        return id;
    }
}
