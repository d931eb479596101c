package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import com.google.crypto.tink.mac.HmacParameters;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The embedded default {@link KeyProvider}: a local file of named Tink keysets, each encrypted with
 * the {@link MasterKey} (AES-256-GCM, the key name and purpose as associated data, so entries
 * cannot be swapped). A properties file:
 *
 * <pre>
 * format=sluice-keyset-file/1
 * key.&lt;name&gt;.pseudonymize=&lt;base64 encrypted Tink keyset: HMAC-SHA256, 32-byte key and tag&gt;
 * key.&lt;name&gt;.deterministic-encryption=&lt;base64 encrypted Tink keyset: AES256_SIV&gt;
 * </pre>
 *
 * Key names are readable without the master key; the master key is read when a keyset is first
 * used.
 */
public final class KeysetFile implements KeyProvider {
    public static final String IDENTIFIER = "local-file";
    public static final String FORMAT = "sluice-keyset-file/1";

    /** Option: path of the keyset file. */
    public static final String FILE_OPTION = "file";

    /** Option: environment variable holding the master key; {@value MasterKey#DEFAULT_ENV}. */
    public static final String MASTER_KEY_ENV_OPTION = "master-key-env";

    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Path path;
    private final String masterKeyEnv;
    private final Function<String, String> environment;
    private final Map<String, Map<KeyPurpose, byte[]>> entries;
    private MasterKey masterKey;

    private KeysetFile(
            Path path,
            String masterKeyEnv,
            Function<String, String> environment,
            Map<String, Map<KeyPurpose, byte[]>> entries) {
        this.path = path;
        this.masterKeyEnv = masterKeyEnv;
        this.environment = environment;
        this.entries = entries;
    }

    /**
     * Reads the keyset file at {@code path}; the master key is read from {@code masterKeyEnv} when
     * a keyset is first used.
     *
     * @throws KeyUnavailableException when the file is missing or not a keyset file
     */
    public static KeysetFile open(
            Path path, String masterKeyEnv, Function<String, String> environment) {
        return new KeysetFile(path, masterKeyEnv, environment, read(path));
    }

    /** Whether {@code name} can name a key: letters, digits, {@code _ . -}, at most 64. */
    public static boolean isValidKeyName(String name) {
        return name != null && KEY_NAME.matcher(name).matches();
    }

    @Override
    public Set<String> keyNames() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    @Override
    public synchronized KeysetHandle keyset(String keyName, KeyPurpose purpose) {
        Map<KeyPurpose, byte[]> entry = entries.get(keyName);
        if (entry == null) {
            throw new KeyUnavailableException(
                    "Unknown key '"
                            + keyName
                            + "' in keyset file "
                            + path
                            + ". Known keys: "
                            + entries.keySet()
                            + ". Add it with: sluice keys add --file "
                            + path
                            + " --name "
                            + keyName);
        }
        byte[] encrypted = entry.get(purpose);
        if (encrypted == null) {
            throw new KeyUnavailableException(
                    "Key '"
                            + keyName
                            + "' in keyset file "
                            + path
                            + " has no "
                            + purpose.id()
                            + " keyset. Add one with sluice keys add, under a new key name.");
        }
        if (masterKey == null) {
            masterKey = MasterKey.fromEnvironment(masterKeyEnv, environment);
        }
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(
                    encrypted, masterKey.aead(), associatedData(keyName, purpose));
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException(
                    "Cannot decrypt key '"
                            + keyName
                            + "' ("
                            + purpose.id()
                            + ") of keyset file "
                            + path
                            + " with the master key from environment variable "
                            + masterKeyEnv
                            + ": wrong master key, or the file was altered. Use the master key the"
                            + " file was created with.");
        }
    }

    /**
     * Adds key {@code name} — a new HMAC-SHA256 keyset and a new AES-SIV keyset — to the keyset
     * file at {@code path}, creating the file (owner read/write only) when it does not exist.
     *
     * @throws KeyUnavailableException when the name is invalid or already present, or the master
     *     key is not the one the file's other keys are encrypted with
     */
    public static void addKey(Path path, String name, MasterKey masterKey) throws IOException {
        addKeys(path, List.of(name), masterKey);
    }

    /**
     * Adds several keys in one write: every name is checked first, and so is the master key,
     * against a key the file already holds, so that one file never mixes two master keys. Nothing
     * is written when any check fails.
     *
     * @throws KeyUnavailableException naming what is wrong and how to fix it
     */
    public static void addKeys(Path path, List<String> names, MasterKey masterKey)
            throws IOException {
        Map<String, Map<KeyPurpose, byte[]>> entries =
                Files.exists(path) ? read(path) : new TreeMap<>();
        Set<String> adding = new HashSet<>();
        for (String name : names) {
            if (!isValidKeyName(name)) {
                throw new KeyUnavailableException(
                        "Invalid key name: '"
                                + name
                                + "'. Use letters, digits, '_', '.' or '-', at most 64, e.g."
                                + " crm-2026.");
            }
            if (entries.containsKey(name) || !adding.add(name)) {
                throw new KeyUnavailableException(
                        "Key '"
                                + name
                                + "' already exists in keyset file "
                                + path
                                + ". Pick a new name.");
            }
        }
        TinkPrimitives.register();
        checkSameMasterKey(path, entries, masterKey);
        for (String name : names) {
            entries.put(name, newEntry(name, masterKey));
        }
        write(path, entries);
    }

    /** Decrypts one existing keyset with {@code masterKey}: a different key fails here. */
    private static void checkSameMasterKey(
            Path path, Map<String, Map<KeyPurpose, byte[]>> entries, MasterKey masterKey) {
        for (Map.Entry<String, Map<KeyPurpose, byte[]>> existing : entries.entrySet()) {
            for (Map.Entry<KeyPurpose, byte[]> keyset : existing.getValue().entrySet()) {
                try {
                    TinkProtoKeysetFormat.parseEncryptedKeyset(
                            keyset.getValue(),
                            masterKey.aead(),
                            associatedData(existing.getKey(), keyset.getKey()));
                    return;
                } catch (GeneralSecurityException e) {
                    throw new KeyUnavailableException(
                            "The master key in environment variable "
                                    + masterKey.envName()
                                    + " is not the one keyset file "
                                    + path
                                    + " was made with (it cannot decrypt key '"
                                    + existing.getKey()
                                    + "'). Set the variable to that master key; a file never"
                                    + " mixes two. Nothing was written.");
                }
            }
        }
    }

    private static Map<KeyPurpose, byte[]> newEntry(String name, MasterKey masterKey) {
        Map<KeyPurpose, byte[]> entry = new EnumMap<>(KeyPurpose.class);
        try {
            HmacParameters hmac =
                    HmacParameters.builder()
                            .setKeySizeBytes(32)
                            .setTagSizeBytes(32)
                            .setHashType(HmacParameters.HashType.SHA256)
                            .setVariant(HmacParameters.Variant.NO_PREFIX)
                            .build();
            entry.put(
                    KeyPurpose.PSEUDONYMIZE,
                    encrypt(
                            KeysetHandle.generateNew(hmac),
                            masterKey,
                            name,
                            KeyPurpose.PSEUDONYMIZE));
            entry.put(
                    KeyPurpose.DETERMINISTIC_ENCRYPTION,
                    encrypt(
                            KeysetHandle.generateNew(
                                    PredefinedDeterministicAeadParameters.AES256_SIV),
                            masterKey,
                            name,
                            KeyPurpose.DETERMINISTIC_ENCRYPTION));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate keysets for key '" + name + "'", e);
        }
        return entry;
    }

    private static byte[] encrypt(
            KeysetHandle keyset, MasterKey masterKey, String name, KeyPurpose purpose)
            throws GeneralSecurityException {
        return TinkProtoKeysetFormat.serializeEncryptedKeyset(
                keyset, masterKey.aead(), associatedData(name, purpose));
    }

    private static byte[] associatedData(String name, KeyPurpose purpose) {
        return (FORMAT + ":" + name + ":" + purpose.id()).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Map<KeyPurpose, byte[]>> read(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new KeyUnavailableException(
                    "Cannot read keyset file "
                            + path
                            + ": "
                            + e
                            + ". Create it with sluice keys add --file "
                            + path
                            + " --name default, or fix the path.",
                    e);
        }
        if (!FORMAT.equals(properties.getProperty("format"))) {
            throw new KeyUnavailableException(
                    "Invalid keyset file "
                            + path
                            + ": format is '"
                            + properties.getProperty("format")
                            + "'. Expected format="
                            + FORMAT
                            + " (create files with sluice keys add).");
        }
        Map<String, Map<KeyPurpose, byte[]>> entries = new TreeMap<>();
        for (String property : properties.stringPropertyNames()) {
            if (property.equals("format")) {
                continue;
            }
            KeyPurpose purpose = null;
            String name = null;
            for (KeyPurpose p : KeyPurpose.values()) {
                String suffix = "." + p.id();
                if (property.startsWith("key.") && property.endsWith(suffix)) {
                    purpose = p;
                    name = property.substring(4, property.length() - suffix.length());
                }
            }
            if (purpose == null || !isValidKeyName(name)) {
                throw new KeyUnavailableException(
                        "Invalid keyset file "
                                + path
                                + ": unexpected property '"
                                + property
                                + "'. Expected key.<name>.pseudonymize or"
                                + " key.<name>.deterministic-encryption.");
            }
            byte[] encrypted;
            try {
                encrypted = Base64.getDecoder().decode(properties.getProperty(property).trim());
            } catch (IllegalArgumentException e) {
                throw new KeyUnavailableException(
                        "Invalid keyset file "
                                + path
                                + ": property '"
                                + property
                                + "' is not base64.");
            }
            entries.computeIfAbsent(name, n -> new EnumMap<>(KeyPurpose.class))
                    .put(purpose, encrypted);
        }
        return entries;
    }

    private static void write(Path path, Map<String, Map<KeyPurpose, byte[]>> entries)
            throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# Sluice keyset file: named Tink keysets encrypted with the master key.\n");
        out.append("format=").append(FORMAT).append('\n');
        entries.forEach(
                (name, entry) ->
                        entry.forEach(
                                (purpose, encrypted) ->
                                        out.append("key.")
                                                .append(name)
                                                .append('.')
                                                .append(purpose.id())
                                                .append('=')
                                                .append(
                                                        Base64.getEncoder()
                                                                .encodeToString(encrypted))
                                                .append('\n')));
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".keyset", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the keysets are encrypted anyway
            }
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            Files.move(
                    tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return "KeysetFile("
                + path
                + ", keys "
                + entries.keySet()
                + ", master key from "
                + masterKeyEnv
                + ")";
    }
}
