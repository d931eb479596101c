package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import net.datafaker.Faker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * National phone formats of nine countries, each with its default region: recall on seeded
 * datafaker numbers (the misses are datafaker numbers too short to be real, such as {@code 089
 * 472}).
 */
class NationalPhoneFormatsTest {

    private static final int SAMPLES = 300;

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "en-GB, GB",
        "de-DE, DE",
        "fr-FR, FR",
        "it-IT, IT",
        "nl-NL, NL",
        "es-ES, ES",
        "en-AU, AU",
        "pt-BR, BR",
        "ja-JP, JP"
    })
    void recognizesNationalNumbersOfTheDefaultRegion(String locale, String region) {
        Faker faker = new Faker(Locale.forLanguageTag(locale), new Random(3));
        SensitiveDataDetector detector =
                SensitiveDataDetector.builder().defaultRegion(region).build();
        int found = 0;
        for (int i = 0; i < SAMPLES; i++) {
            if (detector.classesOf(faker.phoneNumber().phoneNumber()).contains("PII.PHONE")) {
                found++;
            }
            if (detector.classesOf(faker.phoneNumber().cellPhone()).contains("PII.PHONE")) {
                found++;
            }
        }
        assertThat((double) found / (2 * SAMPLES)).as("recall in %s", region).isGreaterThan(0.85);
    }
}
