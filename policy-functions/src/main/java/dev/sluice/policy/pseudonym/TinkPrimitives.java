package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.mac.MacConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink key types Sluice uses, once per class loader, and builds primitives. */
final class TinkPrimitives {
    static {
        try {
            AeadConfig.register();
            MacConfig.register();
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TinkPrimitives() {}

    static <P> P primitive(KeysetHandle keyset, Class<P> type) throws GeneralSecurityException {
        return keyset.getPrimitive(RegistryConfiguration.get(), type);
    }

    /** Forces the registration above. */
    static void register() {}
}
