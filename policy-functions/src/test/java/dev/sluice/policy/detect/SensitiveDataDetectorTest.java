package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SensitiveDataDetectorTest {

    private final SensitiveDataDetector detector = SensitiveDataDetector.defaults();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jane.doe@example.com",
                "j+tag@mail.example.co.uk",
                "  padded@example.org  ",
                "o'brien@example.ie",
                "user@xn--bcher-kva.xn--tckwe"
            })
    void recognizesEmails(String value) {
        assertThat(detector.classesOf(value)).containsExactly("PII.EMAIL");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jane.doe@example",
                "jane..doe@example.com",
                ".jane@example.com",
                "jane@-example.com",
                "jane@example.c0m",
                "jane@@example.com",
                "jane doe@example.com",
                "@example.com",
                "jane@",
                "a@b.c"
            })
    void rejectsMalformedEmails(String value) {
        assertThat(detector.classesOf(value)).doesNotContain("PII.EMAIL");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+44 20 7946 0958",
                "+1 (415) 555-2671",
                "0049 30 901820",
                "(415) 555-2671",
                "415-555-2671",
                "415.555.2671 x123",
                "+4915112345678",
                "1-415-555-2671"
            })
    void recognizesPhones(String value) {
        assertThat(detector.classesOf(value)).containsExactly("PII.PHONE");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "123-456-7890",
                "4155552671",
                "2024-01-15",
                "1.2.3.4",
                "192.168.100.200",
                "+1 000 000 0000",
                "415-555-2671 call me"
            })
    void rejectsPhoneLookalikes(String value) {
        assertThat(detector.classesOf(value)).doesNotContain("PII.PHONE");
    }

    @Test
    void bareDigitPhoneNeedsAPhoneColumn() {
        assertThat(detector.classesOf("4155552671")).isEmpty();
        assertThat(detector.classesOf("4155552671", ColumnContext.of("mobile_phone")))
                .containsExactly("PII.PHONE");
    }

    @Test
    void nationalFormatsFollowTheDefaultRegion() {
        SensitiveDataDetector uk = SensitiveDataDetector.builder().defaultRegion("gb").build();
        assertThat(uk.classesOf("020 7946 0958")).containsExactly("PII.PHONE");
        assertThat(detector.classesOf("020 7946 0958")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "4111111111111111",
                "4111 1111 1111 1111",
                "5500-0000-0000-0004",
                "3782 822463 10005",
                "6011000990139424",
                "3530111333300000",
                "2223000048400011",
                "30569309025904"
            })
    void recognizesCardNumbers(String value) {
        assertThat(detector.classesOf(value)).containsExactly("PCI.PAN");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "4111111111111112", // Luhn fails
                "1234567812345670", // Luhn passes, no scheme starts with 1
                "4111-1111 1111-1111", // mixed separators
                "41 11111111111111", // not a printed grouping
                "411111111111111", // Visa has no 15-digit numbers
                "3782822463100050" // Amex is 15 digits
            })
    void rejectsCardLookalikes(String value) {
        assertThat(detector.classesOf(value)).doesNotContain("PCI.PAN");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "hello world", "42"})
    void nothingSensitiveIsEmpty(String value) {
        assertThat(detector.detect(value)).isEmpty();
        assertThat(detector.classesOf(value)).isEmpty();
    }

    @Test
    void detectionsCarryConfidence() {
        List<Detection> found = detector.detect("4111 1111 1111 1111");
        assertThat(found)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.sensitiveClass()).isEqualTo(SensitiveClass.PCI_PAN);
                            assertThat(d.code()).isEqualTo("PCI.PAN");
                            assertThat(d.confidence()).isBetween(0.9, 1.0);
                        });
    }

    @ParameterizedTest
    @CsvSource({"PII.EMAIL,PII_EMAIL", "PCI.PAN,PCI_PAN", "SECRET.JWT,SECRET_JWT"})
    void classesRoundTripThroughTheirCodes(String code, SensitiveClass expected) {
        assertThat(SensitiveClass.fromCode(code)).isEqualTo(expected);
        assertThat(expected.code()).isEqualTo(code);
    }

    @Test
    void builderRejectsInvalidSettings() {
        assertThatThrownBy(() -> SensitiveDataDetector.builder().defaultRegion("XX"))
                .hasMessageContaining("Invalid defaultRegion: XX");
        assertThatThrownBy(() -> SensitiveDataDetector.builder().minConfidence(0))
                .hasMessageContaining("Invalid minConfidence: 0.0");
        assertThatThrownBy(() -> SensitiveDataDetector.builder().maxInspectedChars(10))
                .hasMessageContaining("Invalid maxInspectedChars: 10");
        assertThatThrownBy(() -> SensitiveClass.fromCode("PII.NOPE"))
                .hasMessageContaining("Invalid sensitive class code: PII.NOPE");
    }
}
