package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.KeysetHandle;
import java.util.Set;

/**
 * Where the keys of the keyed functions come from. The embedded default is {@link KeysetFile}; a
 * cloud KMS plugs in as another implementation created by a {@link KeyProviderFactory}.
 * Implementations never put key material into {@code toString}, logs or exception messages.
 */
public interface KeyProvider {
    /** The names of the keys this provider holds, readable without the master key. */
    Set<String> keyNames();

    /**
     * The keyset of {@code keyName} for {@code purpose}.
     *
     * @throws KeyUnavailableException naming the key when it is unknown or cannot be decrypted
     */
    KeysetHandle keyset(String keyName, KeyPurpose purpose);
}
