package dev.sluice.policy.pseudonym;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Creates a {@link KeyProvider} from options; found with {@link java.util.ServiceLoader} by {@link
 * #identifier()} (the {@code provider} option), so a cloud KMS provider is one more jar.
 */
public interface KeyProviderFactory {
    /** The value of the {@code provider} option that selects this factory. */
    String identifier();

    /** The option names this factory reads (without any prefix such as {@code keys.}). */
    Set<String> optionNames();

    /**
     * @param options option values by {@link #optionNames()} name
     * @param environment reads environment variables ({@code System::getenv} outside tests)
     * @throws KeyUnavailableException when an option is missing or wrong, saying which and how to
     *     fix
     */
    KeyProvider create(Map<String, String> options, Function<String, String> environment);
}
