package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnContextTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "email_addr | email addr",
                "cardNumber | card number",
                "customerEMailAddress | customer e mail address",
                "SSN | ssn",
                "address_line1 | address line 1",
                "HTTPStatus2xx | http status 2 xx",
            })
    void splitsNamesIntoWords(String name, String words) {
        assertThat(String.join(" ", ColumnContext.words(name))).isEqualTo(words);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "email_addr | PII_EMAIL | email addr",
                "customerEMail | PII_EMAIL | e mail",
                "cardNumber | PCI_PAN | card number",
                "ssn | PII_SSN | ssn",
                "dob | PII_DOB | dob",
                "date_of_birth | PII_DOB | date of birth",
                "first_name | PII_PERSON_NAME | first name",
                "firstname | PII_PERSON_NAME | firstname",
                "client_ip | NET_IPV4 | client ip",
                "shipping_address | PII_ADDRESS | shipping address",
                "aws_access_key_id | SECRET_AWS_ACCESS_KEY | aws access key id",
            })
    void findsSignals(String name, SensitiveClass expected, String matched) {
        assertThat(ColumnContext.of(name).signals())
                .anySatisfy(
                        s -> {
                            assertThat(s.sensitiveClass()).isEqualTo(expected);
                            assertThat(s.matched()).isEqualTo(matched);
                        });
    }

    @Test
    void longestPhraseWins() {
        assertThat(ColumnContext.of("ip_address").weight(SensitiveClass.PII_ADDRESS)).isZero();
        assertThat(ColumnContext.of("product_name").signals()).isEmpty();
        assertThat(ColumnContext.of("name").weight(SensitiveClass.PII_PERSON_NAME))
                .isLessThan(ColumnContext.of("last_name").weight(SensitiveClass.PII_PERSON_NAME));
        assertThat(ColumnContext.of(null).signals()).isEmpty();
        assertThat(ColumnContext.of("order_total").signals()).isEmpty();
    }
}
