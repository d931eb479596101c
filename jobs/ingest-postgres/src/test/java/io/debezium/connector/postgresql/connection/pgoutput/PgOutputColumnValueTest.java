package io.debezium.connector.postgresql.connection.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.data.SpecialValueDecimal;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Sluice's replacement reads every numeric text pgoutput sends, infinities included. */
class PgOutputColumnValueTest {

    @Test
    void readsNumericInfinitiesAsDebeziumSpecialValues() {
        assertThat(new PgOutputColumnValue("Infinity").asDecimal())
                .isSameAs(SpecialValueDecimal.POSITIVE_INF);
        assertThat(new PgOutputColumnValue("-Infinity").asDecimal())
                .isSameAs(SpecialValueDecimal.NEGATIVE_INF);
        assertThat(new PgOutputColumnValue("NaN").asDecimal())
                .isSameAs(SpecialValueDecimal.NOT_A_NUMBER);
        assertThat(new PgOutputColumnValue("-12.50").asDecimal().getDecimalValue())
                .contains(new BigDecimal("-12.50"));
    }

    @Test
    void isTheClassDebeziumsDecoderLoads() throws Exception {
        // the decoder creates values by this name: the class path must give it this one
        Class<?> loaded =
                Class.forName(
                        "io.debezium.connector.postgresql.connection.pgoutput.PgOutputColumnValue");
        assertThat(loaded.getProtectionDomain().getCodeSource().getLocation().toString())
                .doesNotContain("debezium-connector-postgres");
    }

    @Test
    void keepsTheOtherConversions() {
        assertThat(new PgOutputColumnValue("t").asBoolean()).isTrue();
        assertThat(new PgOutputColumnValue("f").asBoolean()).isFalse();
        assertThat(new PgOutputColumnValue("42").asInteger()).isEqualTo(42);
        assertThat(new PgOutputColumnValue("42").asLong()).isEqualTo(42L);
        assertThat(new PgOutputColumnValue("Infinity").asDouble()).isInfinite();
        assertThat(new PgOutputColumnValue("\\x0aff").asByteArray())
                .containsExactly((byte) 0x0a, (byte) 0xff);
        assertThat(new PgOutputColumnValue(null).isNull()).isTrue();
    }
}
