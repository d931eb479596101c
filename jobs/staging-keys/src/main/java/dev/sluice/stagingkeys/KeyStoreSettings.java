package dev.sluice.stagingkeys;

import java.io.Serializable;
import java.util.Base64;
import java.util.Map;

/**
 * Where the key store is and which environment variables hold its password and the master key. Only
 * names of variables travel in job graphs and arguments; the secrets are read where the keys are
 * used ({@link #open(Map)}).
 *
 * @param url JDBC URL of the PostgreSQL database holding the key table
 * @param username its user
 * @param passwordEnv variable holding that user's password (empty password when unset)
 * @param table the key table
 * @param masterKeyEnv variable holding the master key, 32 bytes in base64
 */
public record KeyStoreSettings(
        String url, String username, String passwordEnv, String table, String masterKeyEnv)
        implements Serializable {

    public static final String DEFAULT_TABLE = "sluice_subject_keys";
    public static final String DEFAULT_MASTER_KEY_ENV = "SLUICE_STAGING_MASTER_KEY";
    public static final String DEFAULT_PASSWORD_ENV = "SLUICE_KEY_STORE_PASSWORD";

    /** Opens the keys with the process environment. */
    public SubjectKeys open() {
        return open(System.getenv());
    }

    /**
     * Reads the master key from {@code environment} and opens and checks the store: fails with a
     * message naming the variable or the store when either is missing or unusable.
     */
    public SubjectKeys open(Map<String, String> environment) {
        byte[] master = masterKey(environment);
        SubjectKeyStore store =
                new JdbcSubjectKeyStore(
                        url, username, environment.getOrDefault(passwordEnv, ""), table);
        try {
            store.check();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new SubjectKeys(store, master, masterKeyEnv);
    }

    /** The master key from its variable; the error names the variable, never the value. */
    public byte[] masterKey(Map<String, String> environment) {
        if (url == null || url.isBlank()) {
            throw new KeyStoreException(
                    "No key store configured: staging encryption needs the JDBC URL of the"
                            + " PostgreSQL database holding the key table "
                            + table
                            + ".");
        }
        String value = environment.get(masterKeyEnv);
        if (value == null || value.isBlank()) {
            throw new KeyStoreException(
                    "The staging master key is missing: environment variable "
                            + masterKeyEnv
                            + " is not set. Set it to 32 random bytes in base64 (e.g. openssl rand"
                            + " -base64 32), the same value for ingest, pipelines and forget.");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != 32) {
            throw new KeyStoreException(
                    "The staging master key in environment variable "
                            + masterKeyEnv
                            + " is not 32 bytes in base64 (AES-256). Generate one with openssl rand"
                            + " -base64 32.");
        }
        return key;
    }

    @Override
    public String toString() {
        return "KeyStoreSettings{"
                + url
                + ", table="
                + table
                + ", masterKeyEnv="
                + masterKeyEnv
                + "}";
    }
}
