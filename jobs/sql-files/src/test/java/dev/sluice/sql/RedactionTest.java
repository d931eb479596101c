package dev.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void secretsAreReplacedOnlyAsWholeValues() {
        assertThat(Redaction.secrets("java.sql.SQLException: e", List.of("e")))
                .isEqualTo("java.sql.SQLException: ****");
        assertThat(Redaction.secrets("For input string: \"hunter2\"", List.of("hunter2")))
                .isEqualTo("For input string: \"****\"");
        assertThat(Redaction.secrets("hunter2hunter2 x", List.of("hunter2")))
                .isEqualTo("hunter2hunter2 x");
        assertThat(Redaction.secrets("url=jdbc:x://u:p4ss@h", List.of("p4ss")))
                .isEqualTo("url=jdbc:x://u:****@h");
        // a secret of symbols has no word to belong to
        assertThat(Redaction.secrets("a-%%-b", List.of("%%"))).isEqualTo("a-****-b");
    }

    @Test
    void credentialsInUrlsAndJaasStringsAreHiddenDeclaredOrNot() {
        assertThat(Redaction.credentials("jdbc:postgresql://app:s3cret@db:5432/x"))
                .isEqualTo("jdbc:postgresql://app:****@db:5432/x");
        assertThat(Redaction.credentials("jdbc:postgresql://db/x?user=a&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/x?user=a&password=****&ssl=true");
        assertThat(
                        Redaction.credentials(
                                "PlainLoginModule required username=\"u\" password=\"s3cret\";"))
                .isEqualTo("PlainLoginModule required username=\"u\" password=\"****\";");
        assertThat(Redaction.credentials("'password' = 's3cret'")).isEqualTo("'password' = '****'");
        // references and option names are not values
        assertThat(Redaction.credentials("'password' = '${CRM_PASSWORD}'"))
                .isEqualTo("'password' = '${CRM_PASSWORD}'");
        assertThat(Redaction.credentials("postgres.password-env=SLUICE_POSTGRES_PASSWORD"))
                .isEqualTo("postgres.password-env=SLUICE_POSTGRES_PASSWORD");
        assertThat(Redaction.credentials("no secret here: a=b")).isEqualTo("no secret here: a=b");
    }
}
