package dev.sluice.policy.pseudonym;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Creates the {@link KeysetFile} provider ({@code provider = local-file}, the default). */
public final class KeysetFileFactory implements KeyProviderFactory {
    @Override
    public String identifier() {
        return KeysetFile.IDENTIFIER;
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(KeysetFile.FILE_OPTION, KeysetFile.MASTER_KEY_ENV_OPTION);
    }

    @Override
    public KeyProvider create(Map<String, String> options, Function<String, String> environment) {
        String file = options.get(KeysetFile.FILE_OPTION);
        if (file == null || file.isBlank()) {
            throw new KeyUnavailableException(
                    "Missing keyset file: option '"
                            + KeysetFile.FILE_OPTION
                            + "' is not set. Set it to the path of a keyset file made with"
                            + " sluice keys add, e.g. /etc/sluice/keys.properties.");
        }
        return KeysetFile.open(
                Path.of(file),
                options.getOrDefault(KeysetFile.MASTER_KEY_ENV_OPTION, MasterKey.DEFAULT_ENV),
                environment);
    }
}
