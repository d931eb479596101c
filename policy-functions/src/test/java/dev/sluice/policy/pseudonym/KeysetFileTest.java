package dev.sluice.policy.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.mac.HmacKey;
import com.google.crypto.tink.mac.HmacParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetFileTest {
    private static final String ENV = "SLUICE_MASTER_KEY";
    private static final String MASTER = MasterKey.generate();
    private static final Map<String, String> ENVIRONMENT = Map.of(ENV, MASTER);

    @TempDir static Path dir;
    private static Path file;

    @BeforeAll
    static void createKeysetFile() throws Exception {
        file = dir.resolve("keys.properties");
        MasterKey master = MasterKey.fromEnvironment(ENV, ENVIRONMENT::get);
        KeysetFile.addKey(file, "default", master);
        KeysetFile.addKey(file, "crm", master);
    }

    private static KeyProvider provider() {
        return KeyProviders.create(Map.of("file", file.toString()), ENVIRONMENT::get);
    }

    @Test
    void pseudonymsAreStableAcrossProvidersAndDifferPerKey() {
        String a = Pseudonymizer.create(provider(), "default").pseudonymize("jane@example.com");
        String b = Pseudonymizer.create(provider(), "default").pseudonymize("jane@example.com");
        String crm = Pseudonymizer.create(provider(), "crm").pseudonymize("jane@example.com");
        assertThat(a).isEqualTo(b).hasSize(43).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(crm);
        assertThat(Pseudonymizer.create(provider(), "default").pseudonymize("john@example.com"))
                .isNotEqualTo(a);
        assertThat(Pseudonymizer.create(provider(), "default").pseudonymize(null)).isNull();
    }

    @Test
    void pseudonymIsBase64UrlOfHmacSha256() throws Exception {
        byte[] raw =
                HexFormat.of()
                        .parseHex(
                                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        HmacKey key =
                HmacKey.builder()
                        .setParameters(
                                HmacParameters.builder()
                                        .setKeySizeBytes(32)
                                        .setTagSizeBytes(32)
                                        .setHashType(HmacParameters.HashType.SHA256)
                                        .setVariant(HmacParameters.Variant.NO_PREFIX)
                                        .build())
                        .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get()))
                        .build();
        TinkPrimitives.register();
        KeysetHandle handle =
                KeysetHandle.newBuilder()
                        .addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary())
                        .build();
        KeyProvider fixed =
                new KeyProvider() {
                    @Override
                    public Set<String> keyNames() {
                        return Set.of("fixed");
                    }

                    @Override
                    public KeysetHandle keyset(String keyName, KeyPurpose purpose) {
                        return handle;
                    }
                };
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(raw, "HmacSHA256"));
        String expected =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(jdk.doFinal("Zoë".getBytes(StandardCharsets.UTF_8)));
        assertThat(Pseudonymizer.create(fixed, "fixed").pseudonymize("Zoë")).isEqualTo(expected);
    }

    @Test
    void jdkHmacPathGivesTinksBytes() throws Exception {
        KeyProvider provider = provider();
        byte[] tink =
                TinkPrimitives.primitive(
                                provider.keyset("crm", KeyPurpose.PSEUDONYMIZE),
                                com.google.crypto.tink.Mac.class)
                        .computeMac("Zoë ☃".getBytes(StandardCharsets.UTF_8));
        assertThat(Pseudonymizer.create(provider, "crm").pseudonymize("Zoë ☃"))
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(tink));
    }

    @Test
    void deterministicEncryptionRoundTripsAndOnlyWithItsKey() {
        DeterministicCipher cipher = DeterministicCipher.create(provider(), "default");
        String c1 = cipher.encrypt("4111 1111 1111 1111");
        assertThat(DeterministicCipher.create(provider(), "default").encrypt("4111 1111 1111 1111"))
                .isEqualTo(c1);
        assertThat(c1).matches("[A-Za-z0-9_-]+").doesNotContain("4111");
        assertThat(cipher.decrypt(c1)).isEqualTo("4111 1111 1111 1111");
        assertThat(cipher.decrypt(cipher.encrypt("王小明 😀"))).isEqualTo("王小明 😀");
        DeterministicCipher crm = DeterministicCipher.create(provider(), "crm");
        assertThatThrownBy(() -> crm.decrypt(c1))
                .hasMessage(
                        "Invalid ciphertext for key 'crm': it was not encrypted with this key, or it was altered.");
        assertThatThrownBy(() -> cipher.decrypt("not base64!"))
                .hasMessageContaining("not base64url");
        assertThat(cipher.encrypt(null)).isNull();
        assertThat(cipher.decrypt(null)).isNull();
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatThrownBy(() -> Pseudonymizer.create(provider(), "billing"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageStartingWith("Unknown key 'billing' in keyset file " + file)
                .hasMessageContaining("Known keys: [crm, default]");
        assertThat(provider().keyNames()).containsExactlyInAnyOrder("default", "crm");
    }

    @Test
    void missingOrWrongMasterKeyFailsNamingTheVariableNotTheKey() {
        KeyProvider noMaster =
                KeyProviders.create(
                        Map.of("file", file.toString(), "master-key-env", "NO_SUCH_VARIABLE"),
                        ENVIRONMENT::get);
        assertThat(noMaster.keyNames()).contains("default");
        assertThatThrownBy(() -> Pseudonymizer.create(noMaster, "default"))
                .hasMessageStartingWith(
                        "Missing master key: environment variable NO_SUCH_VARIABLE is not set.");
        String other = MasterKey.generate();
        KeyProvider wrong =
                KeyProviders.create(Map.of("file", file.toString()), Map.of(ENV, other)::get);
        assertThatThrownBy(() -> DeterministicCipher.create(wrong, "crm"))
                .hasMessageStartingWith("Cannot decrypt key 'crm' (deterministic-encryption)")
                .hasMessageContaining("wrong master key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(other, MASTER));
        assertThatThrownBy(() -> MasterKey.fromEnvironment(ENV, Map.of(ENV, "c2hvcnQ=")::get))
                .hasMessageContaining("5 bytes");
    }

    @Test
    void missingFileAndOptionsAreExplained() {
        assertThatThrownBy(() -> KeyProviders.create(Map.of(), ENVIRONMENT::get))
                .hasMessageStartingWith("Missing keyset file: option 'file' is not set.");
        assertThatThrownBy(
                        () ->
                                KeyProviders.create(
                                        Map.of("file", dir.resolve("nope").toString()),
                                        ENVIRONMENT::get))
                .hasMessageStartingWith("Cannot read keyset file " + dir.resolve("nope"));
        assertThatThrownBy(
                        () -> KeyProviders.create(Map.of("provider", "aws-kms"), ENVIRONMENT::get))
                .hasMessage(
                        "Invalid key provider: 'aws-kms'. Use one of [local-file], or put the jar of the provider on the classpath.");
    }

    @Test
    void keyMaterialStaysOutOfToStringAndFileIsOwnerOnly() throws Exception {
        KeyProvider provider = provider();
        Pseudonymizer p = Pseudonymizer.create(provider, "default");
        String text =
                provider
                        + " "
                        + p
                        + " "
                        + DeterministicCipher.create(provider, "default")
                        + " "
                        + MasterKey.fromEnvironment(ENV, ENVIRONMENT::get);
        assertThat(text).doesNotContain(MASTER).contains("default", file.toString(), ENV);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String content = Files.readString(file);
        assertThat(content)
                .startsWith("# Sluice keyset file")
                .contains("format=sluice-keyset-file/1");
        // the keysets are encrypted: the Tink cleartext of the file's keyset is not in it
        byte[] clear =
                TinkProtoKeysetFormat.serializeKeyset(
                        provider.keyset("default", KeyPurpose.PSEUDONYMIZE),
                        InsecureSecretKeyAccess.get());
        assertThat(content).doesNotContain(Base64.getEncoder().encodeToString(clear));
    }

    @Test
    void addingRejectsDuplicateAndInvalidNames() {
        MasterKey master = MasterKey.fromEnvironment(ENV, ENVIRONMENT::get);
        assertThatThrownBy(() -> KeysetFile.addKey(file, "crm", master))
                .hasMessageContaining("Key 'crm' already exists");
        assertThatThrownBy(() -> KeysetFile.addKey(file, "bad name", master))
                .hasMessageStartingWith("Invalid key name: 'bad name'.");
    }
}
