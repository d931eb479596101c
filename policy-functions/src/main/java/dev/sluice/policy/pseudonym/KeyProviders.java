package dev.sluice.policy.pseudonym;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Finds the {@link KeyProviderFactory} named by the {@code provider} option and creates it. */
public final class KeyProviders {
    /** Option that selects the factory; {@value #DEFAULT_PROVIDER} when absent. */
    public static final String PROVIDER = "provider";

    public static final String DEFAULT_PROVIDER = KeysetFile.IDENTIFIER;

    private KeyProviders() {}

    public static KeyProvider create(Map<String, String> options) {
        return create(options, System::getenv);
    }

    public static KeyProvider create(
            Map<String, String> options, Function<String, String> environment) {
        return factory(options.getOrDefault(PROVIDER, DEFAULT_PROVIDER))
                .create(options, environment);
    }

    /** Every option name of every available factory, plus {@value #PROVIDER}. */
    public static Set<String> optionNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(PROVIDER);
        for (KeyProviderFactory f : factories()) {
            names.addAll(f.optionNames());
        }
        return names;
    }

    static KeyProviderFactory factory(String identifier) {
        Set<String> known = new TreeSet<>();
        for (KeyProviderFactory f : factories()) {
            if (f.identifier().equals(identifier)) {
                return f;
            }
            known.add(f.identifier());
        }
        throw new KeyUnavailableException(
                "Invalid key provider: '"
                        + identifier
                        + "'. Use one of "
                        + known
                        + ", or put the jar of the provider on the classpath.");
    }

    private static Iterable<KeyProviderFactory> factories() {
        return ServiceLoader.load(KeyProviderFactory.class, KeyProviders.class.getClassLoader());
    }
}
