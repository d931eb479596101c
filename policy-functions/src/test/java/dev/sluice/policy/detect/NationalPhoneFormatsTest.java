package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.datafaker.Faker;
import org.junit.jupiter.api.Test;
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

    private static final SensitiveDataDetector POLICY_REGIONS =
            SensitiveDataDetector.builder()
                    .phoneRegions(List.of("GB", "DE", "FR", "NL", "ES", "US"))
                    .build();

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
        "020 7946 0958, GB",
        "030 1234567, DE",
        "01 23 45 67 89, FR",
        "020-123 4567, NL",
        "912 345 678, ES",
        "(202) 555-0143, US",
        "06 12 34 56 78, FR",
        "0612345678, NL"
    })
    void recognizesNationalNumbersOfThePolicyRegionsByValue(String value, String region) {
        if (value.chars().allMatch(Character::isDigit)) {
            assertThat(POLICY_REGIONS.classesOf(value)).isEmpty(); // bare digits: an id as often
            assertThat(POLICY_REGIONS.classesOf(value, ColumnContext.of("mobile")))
                    .containsExactly("PII.PHONE");
        } else {
            assertThat(POLICY_REGIONS.classesOf(value)).containsExactly("PII.PHONE");
        }
        assertThat(
                        SensitiveDataDetector.defaults()
                                .classesOf(value, ColumnContext.of("phone").withRegion(region)))
                .containsExactly("PII.PHONE");
    }

    @Test
    void candidateRegionsNeedTheirTrunkPrefix() {
        // 30 1234567 is a Berlin number without its 0: a candidate region needs the prefix
        assertThat(POLICY_REGIONS.classesOf("030 1234567")).containsExactly("PII.PHONE");
        assertThat(POLICY_REGIONS.classesOf("30 1234567")).isEmpty();
        assertThat(
                        SensitiveDataDetector.builder()
                                .defaultRegion("DE")
                                .build()
                                .classesOf("30 1234567"))
                .containsExactly("PII.PHONE");
    }

    @ParameterizedTest
    @CsvSource({
        "0-306-40615-2", // ISBN-10
        "978-0-306-40615-7", // ISBN-13
        "35.75493904", // a coordinate
        "863-11-0344", // a US social security number
        "3056 930902 5904", // a Diners card
        "4222 2222 2222 2", // a 13-digit Visa card
        "005-348-3272"
    })
    void phoneShapedNonPhonesAreNotPhonesInAnyPolicyRegion(String value) {
        assertThat(POLICY_REGIONS.classesOf(value)).doesNotContain("PII.PHONE");
    }

    @Test
    void otherClassesColumnNamesSuppressNationalNumbers() {
        // a Brazilian postcode is also a valid German number (area code 02508)
        assertThat(POLICY_REGIONS.classesOf("02508-297")).containsExactly("PII.PHONE");
        assertThat(POLICY_REGIONS.classesOf("02508-297", ColumnContext.of("postal_code")))
                .doesNotContain("PII.PHONE");
        assertThat(POLICY_REGIONS.classesOf("020 7946 0958", ColumnContext.of("postal_code")))
                .doesNotContain("PII.PHONE");
        assertThat(POLICY_REGIONS.classesOf("+44 20 7946 0958", ColumnContext.of("postal_code")))
                .contains("PII.PHONE");
    }

    @Test
    void theColumnRegionRecognizesShortNumbersOfSmallCountriesInPhoneColumns() {
        assertThat(POLICY_REGIONS.classesOf("7012", ColumnContext.of("phone").withRegion("NU")))
                .containsExactly("PII.PHONE");
        assertThat(POLICY_REGIONS.classesOf("7012", ColumnContext.of("phone"))).isEmpty();
        assertThat(ColumnContext.of("phone").withRegion("eu-west-1").phoneRegion()).isNull();
    }

    @Test
    void rejectsUnknownPhoneRegions() {
        assertThatThrownBy(() -> SensitiveDataDetector.builder().phoneRegions(List.of("GB", "UK")))
                .hasMessage(
                        "Invalid phoneRegions: UK. Use an ISO 3166-1 alpha-2 region code such as US, GB or DE.");
    }
}
