package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DeadLetterKeysTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "SLUICE_DEAD_LETTER_SECRET";

    private static JsonNode key() throws Exception {
        return JSON.readTree("{\"email\":\"ada@example.com\",\"id\":7}");
    }

    @Test
    void pseudonymizesEachKeyColumnByDefault() throws Exception {
        DeadLetterKeys keys = DeadLetterKeys.of("pseudonymized", ENV, Map.of(ENV, "s3cret"));
        JsonNode shown = keys.show("public.customers", key());
        assertThat(shown.toString()).doesNotContain("ada@example.com").doesNotContain(":7");
        assertThat(shown.get("email").asText()).startsWith("hmac:").hasSize(5 + 22);
        // deterministic: letters of one row group together
        assertThat(keys.show("public.customers", key())).isEqualTo(shown);
        // keyed: another secret, another pseudonym; another table, another pseudonym
        assertThat(
                        DeadLetterKeys.of("pseudonymized", ENV, Map.of(ENV, "other"))
                                .show("public.customers", key()))
                .isNotEqualTo(shown);
        assertThat(keys.show("public.accounts", key())).isNotEqualTo(shown);
        assertThat(keys.toString()).doesNotContain("s3cret");
    }

    @Test
    void withoutTheSecretOmitsValuesInsteadOfShowingThem() throws Exception {
        DeadLetterKeys keys = DeadLetterKeys.of("pseudonymized", ENV, Map.of());
        assertThat(keys.mode()).isEqualTo(DeadLetterKeys.Mode.OMITTED);
        assertThat(keys.show("public.customers", key()).toString())
                .isEqualTo("{\"email\":\"****\",\"id\":\"****\"}");
    }

    @Test
    void rawShowsTheKeyWhenConfigured() throws Exception {
        assertThat(DeadLetterKeys.of("RAW", ENV, Map.of()).show("t", key())).isEqualTo(key());
    }

    @Test
    void anUnknownModeNamesTheOptionAndTheChoices() {
        assertThatThrownBy(() -> DeadLetterKeys.of("hashed", ENV, Map.of()))
                .hasMessageContaining("dead-letter.key")
                .hasMessageContaining("pseudonymized");
    }
}
