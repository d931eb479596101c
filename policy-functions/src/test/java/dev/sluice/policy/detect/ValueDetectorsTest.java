package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueDetectorsTest {

    private final SensitiveDataDetector detector = SensitiveDataDetector.defaults();

    @ParameterizedTest(name = "{1} is {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "FIN.IBAN | GB82 WEST 1234 5698 7654 32",
                "FIN.IBAN | DE89370400440532013000",
                "FIN.IBAN | FR1420041010050500013M02606",
                "FIN.IBAN | NL91ABNA0417164300",
                "FIN.IBAN | CH9300762011623852957",
                "FIN.IBAN | GI97UKUHoxeWXPXax8qRvHo",
                "PCI.PAN | 180000000000002",
                "PII.SSN | 536-22-1234",
                "PII.SSN | 123 45 6788",
                "PII.UK_NINO | JG103759A",
                "PII.UK_NINO | AB 12 34 56 C",
                "PII.UK_NINO | ab123456c",
                "NET.IPV4 | 192.168.1.10",
                "NET.IPV4 | 255.255.255.255",
                "NET.IPV4 | 10.0.0.1",
                "NET.IPV6 | 2001:db8::1",
                "NET.IPV6 | ::1",
                "NET.IPV6 | fe80::1ff:fe23:4567:890a",
                "NET.IPV6 | 2001:0DB8:85A3:0000:0000:8A2E:0370:7334",
                "NET.IPV6 | ::ffff:192.0.2.128",
                "NET.MAC | 00:1A:2B:3C:4D:5E",
                "NET.MAC | 00-1a-2b-3c-4d-5e",
                "NET.MAC | 001a.2b3c.4d5e",
                "SECRET.AWS_ACCESS_KEY | AKIAIOSFODNN7EXAMPLE",
                "SECRET.AWS_ACCESS_KEY | ASIAY34FZKBOKMUTVV7A",
                "SECRET.TOKEN | ghp_R2d2C3poBb8Lk0Qw9Zx7Vn5Mt3Ys1Ua4Ie6O",
                "SECRET.TOKEN | xoxb-2048-1024-Zq8Xv2LpR7tZ0mKf3WnB9",
                "PII.ADDRESS | 1600 Pennsylvania Ave NW",
                "PII.ADDRESS | 221B Baker Street",
            })
    void recognizesByValue(String expected, String value) {
        assertThat(detector.classesOf(value)).containsExactly(expected);
    }

    @ParameterizedTest(name = "{1} is not {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "FIN.IBAN | GB82WEST12345698765433",
                "FIN.IBAN | XX82WEST12345698765432",
                "FIN.IBAN | DE8937040044053201300",
                "FIN.IBAN | GB82 WEST 1234 5698 765 432",
                "PII.SSN | 000-12-3456",
                "PII.SSN | 666-12-3456",
                "PII.SSN | 912-34-5678",
                "PII.SSN | 123-00-4567",
                "PII.SSN | 123-45-0000",
                "PII.SSN | 078-05-1120",
                "PII.SSN | 123-45 6789",
                "PII.SSN | 536221234",
                "PII.UK_NINO | DA123456A",
                "PII.UK_NINO | GB123456A",
                "PII.UK_NINO | AB123456E",
                "PII.UK_NINO | AO123456A",
                "PII.UK_NINO | AB 1234 56 C",
                "NET.IPV4 | 256.1.1.1",
                "NET.IPV4 | 01.2.3.4",
                "NET.IPV4 | 1.2.3",
                "NET.IPV4 | 1.2.3.4.5",
                "NET.IPV4 | 1.2.3.4",
                "NET.IPV6 | 12:30:45",
                "NET.IPV6 | 2001:db8:::1",
                "NET.IPV6 | 1:2:3:4:5:6:7:8:9",
                "NET.IPV6 | 1:2:3:4:5:6:7",
                "NET.IPV6 | 2001:db8::1:",
                "NET.IPV6 | 00:1A:2B:3C:4D:5E",
                "NET.MAC | 00:1A:2B:3C:4D",
                "NET.MAC | 00:1A-2B:3C:4D:5E",
                "NET.MAC | 00:1G:2B:3C:4D:5E",
                "SECRET.AWS_ACCESS_KEY | AKIAIOSFODNN7EXAMPL",
                "SECRET.AWS_ACCESS_KEY | AKIAIOSFODNN1EXAMPLE",
                "SECRET.AWS_ACCESS_KEY | BKIAIOSFODNN7EXAMPLE",
                "SECRET.TOKEN | ThisIsNotASecretButAnIdentifier",
                "SECRET.TOKEN | temporaAdCumqueVelitFacilis91",
                "SECRET.TOKEN | GI97UKUHoxeWXPXax8qRvHo",
                "PII.PHONE | 13/10/1984",
                "PII.PHONE | 005-348-3272",
                "SECRET.TOKEN | 550e8400-e29b-41d4-a716-446655440000",
                "SECRET.TOKEN | 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "SECRET.TOKEN | SGVsbG8gV29ybGQ=",
                "SECRET.TOKEN | Kx9/Jd82+Qm4=ZlP0vRt7Ys1B3nWc6Ue5Hq0aLg2E",
                "PII.ADDRESS | 12 apples and oranges",
                "PII.ADDRESS | 42 is the answer",
            })
    void rejectsByValue(String unexpected, String value) {
        assertThat(detector.classesOf(value)).doesNotContain(unexpected);
    }

    @Test
    void versionLikeAddressesHaveLowConfidence() {
        assertThat(detector.detect("1.2.3.4"))
                .singleElement()
                .satisfies(d -> assertThat(d.confidence()).isLessThan(0.5));
        SensitiveDataDetector lenient = SensitiveDataDetector.builder().minConfidence(0.3).build();
        assertThat(lenient.classesOf("8.8.8.8")).containsExactly("NET.IPV4");
    }

    @Test
    void recognizesPemPrivateKeys() {
        String body =
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R";
        String pem = "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
        String rsa = "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----";
        String truncated = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body;
        String publicKey = "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----";
        assertThat(detector.classesOf(pem)).containsExactly("SECRET.PRIVATE_KEY");
        assertThat(detector.classesOf(rsa)).containsExactly("SECRET.PRIVATE_KEY");
        assertThat(detector.detect(truncated))
                .singleElement()
                .satisfies(d -> assertThat(d.confidence()).isLessThan(0.99));
        assertThat(detector.classesOf(publicKey)).isEmpty();
        assertThat(detector.classesOf("-----BEGIN PRIVATE KEY-----")).isEmpty();
    }

    @Test
    void recognizesJwts() {
        String header = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = base64Url("{\"sub\":\"1234567890\",\"name\":\"Jane\",\"iat\":1516239022}");
        String signature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assertThat(detector.classesOf(header + "." + payload + "." + signature))
                .contains("SECRET.JWT");
        assertThat(detector.detect(header + "." + payload + "."))
                .anySatisfy(
                        d -> {
                            assertThat(d.code()).isEqualTo("SECRET.JWT");
                            assertThat(d.confidence()).isLessThan(0.97);
                        });
        String noAlg = base64Url("{\"typ\":\"JWT\"}");
        assertThat(detector.classesOf(noAlg + "." + payload + "." + signature))
                .doesNotContain("SECRET.JWT");
        String notJson = base64Url("[\"alg\"]");
        assertThat(detector.classesOf(notJson + "." + payload + "." + signature))
                .doesNotContain("SECRET.JWT");
        assertThat(detector.classesOf("eyJhbGciOi.eyJzdWIi.!!!")).isEmpty();
    }

    @ParameterizedTest(name = "{1} in column {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "date_of_birth | 1985-03-14",
                "dob | 14/03/1985",
                "birthDate | 3/14/1985",
                "BIRTHDAY | 19850314",
                "customer_dob | 1985-03-14T00:00:00Z",
                "dob | 14.03.1985",
            })
    void recognizesBirthDatesInBirthColumns(String columnName, String value) {
        ColumnContext column = ColumnContext.of(columnName);
        assertThat(detector.classesOf(value, column)).containsExactly("PII.DOB");
        assertThat(detector.classesOf(value)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "dob | 2999-01-01",
                "dob | 1985-02-30",
                "dob | 1850-01-01",
                "dob | 13/13/1985"
            })
    void rejectsImplausibleBirthDates(String columnName, String value) {
        assertThat(detector.classesOf(value, ColumnContext.of(columnName)))
                .doesNotContain("PII.DOB");
    }

    @ParameterizedTest(name = "{1} in column {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "first_name | Jane",
                "fullName | Mary-Jane O'Neil",
                "name | Jane Doe",
                "CUSTOMER_NAME | José Álvarez",
                "surname | d'Arcy",
                "full_name | Marco Antonio de la Rosa Mora",
                "name | Ludwig van Beethoven",
                "surname | van der Berg",
            })
    void recognizesNamesInNameColumns(String columnName, String value) {
        assertThat(detector.classesOf(value, ColumnContext.of(columnName)))
                .containsExactly("PII.PERSON_NAME");
        assertThat(detector.classesOf(value)).isEmpty();
    }

    @ParameterizedTest(name = "{1} in column {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "name | widget",
                "first_name | n/a",
                "last_name | 12345",
                "product_name | Ergonomic Steel Chair",
                "user_name | Jane Doe",
                "full_name | Anna Maria Luisa Carla Sofia Bianchi",
            })
    void rejectsNonNames(String columnName, String value) {
        assertThat(detector.classesOf(value, ColumnContext.of(columnName)))
                .doesNotContain("PII.PERSON_NAME");
    }

    @ParameterizedTest(name = "{1} in column {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "street_address | 17 Rue de Rivoli",
                "zip | 90210",
                "postcode | SW1A 1AA",
                "city | 北優子郡",
                "address_line_1 | Flat 3, 12 High Road",
                "billingAddress | 742 Evergreen Terrace, Springfield",
            })
    void recognizesAddressesInAddressColumns(String columnName, String value) {
        assertThat(detector.classesOf(value, ColumnContext.of(columnName)))
                .containsExactly("PII.ADDRESS");
    }

    @Test
    void ipAddressColumnsAreNotPostal() {
        ColumnContext column = ColumnContext.of("ip_address");
        assertThat(column.weight(SensitiveClass.PII_ADDRESS)).isZero();
        assertThat(detector.classesOf("10.0.0.1", column)).containsExactly("NET.IPV4");
        assertThat(detector.classesOf("n/a", ColumnContext.of("address"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "q8Xv2LpR7tZ0mKf3WnB9yHc4",
        "Kx9/Jd82+Qm4ZlP0vRt7Ys1B3nWc6Ue5Hq0aLg2E=",
        // base64 digests (Content-MD5, SHA-256), a KSUID, a nanoid: random-looking, not secrets
        "1B2M2Y8AsgTpgAmY7PhCfg==",
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "0ujsswThIGTUYm2K8FjOOfXtY1K",
        "V1StGXR8_Z5jdHi6B-myT"
    })
    void genericTokensNeedACredentialColumn(String value) {
        assertThat(detector.classesOf(value)).isEmpty();
        assertThat(detector.detect(value))
                .allSatisfy(d -> assertThat(d.confidence()).isLessThan(0.5));
        assertThat(detector.classesOf(value, ColumnContext.of("api_token")))
                .containsExactly("SECRET.TOKEN");
    }

    @ParameterizedTest
    @CsvSource({
        "30569309025904", // Diners Club, 14 digits
        "38520000023237",
        "36227206271667",
        "3056 930902 5904",
        "5555555555554444", // Mastercard
        "2223003122003222", // Mastercard 2-series
        "6200000000000005", // UnionPay, 16 digits
        "6205500000000000004", // UnionPay, 19 digits
        "6759649826438453", // Maestro
        "6799990100000000019",
        "3530111333300000", // JCB
        "6445644564456445", // Discover 644-649
        "6500000000000002", // Discover 65
        "378282246310005" // American Express
    })
    void recognizesPublishedTestCardsOfEveryScheme(String card) {
        assertThat(detector.classesOf(card)).containsExactly("PCI.PAN");
    }

    @ParameterizedTest
    @CsvSource({
        "508126523608230", // IMEIs: 15 digits passing Luhn
        "302850070566768",
        "356938035643809"
    })
    void imeisAreNotCards(String imei) {
        assertThat(detector.classesOf(imei)).isEmpty();
    }

    @Test
    void credentialColumnsMakeAnyValueASecret() {
        ColumnContext column = ColumnContext.of("api_key");
        String hex = "9f86d081884c7d659a2feaa0c55ad015";
        assertThat(detector.classesOf(hex)).isEmpty();
        assertThat(detector.classesOf(hex, column)).containsExactly("SECRET.TOKEN");
        assertThat(detector.classesOf("hunter2!", ColumnContext.of("password")))
                .containsExactly("SECRET.TOKEN");
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
