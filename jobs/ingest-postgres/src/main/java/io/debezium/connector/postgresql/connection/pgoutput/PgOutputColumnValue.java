package io.debezium.connector.postgresql.connection.pgoutput;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.connection.AbstractColumnValue;
import io.debezium.data.SpecialValueDecimal;
import io.debezium.util.Strings;
import java.math.BigDecimal;

/**
 * Sluice's replacement for Debezium 1.9.8's class of the same name: the text value of one column of
 * a pgoutput tuple. It differs in one method: {@link #asDecimal()} recognises {@code Infinity} and
 * {@code -Infinity} as well as {@code NaN}. Debezium 1.9.8 recognised only {@code NaN} and handed
 * {@code Infinity} to {@code new BigDecimal(...)}, whose {@code NumberFormatException} stopped the
 * streaming reader (and so the ingest job) at the first numeric infinity. With this class the
 * decoder yields Debezium's own special values, which the staging encoder stages as null with a
 * dead-letter note, as it does for {@code NaN}.
 *
 * <p>It shadows Debezium's class because the ingest module's classes come before the Debezium jar
 * on every class path (the job jar's shade configuration drops Debezium's copy); Flink CDC
 * overrides Debezium classes the same way. {@code PgOutputColumnValueTest} holds the behaviour,
 * {@code IngestTypesITCase} streams both infinities through a real replication slot. Remove it when
 * the CDC connector brings a Debezium whose pgoutput decoder reads infinities.
 */
class PgOutputColumnValue extends AbstractColumnValue<String> {

    private final String value;

    PgOutputColumnValue(String value) {
        this.value = value;
    }

    @Override
    public String getRawValue() {
        return value;
    }

    @Override
    public boolean isNull() {
        return value == null;
    }

    @Override
    public String asString() {
        return value;
    }

    @Override
    public Boolean asBoolean() {
        return "t".equalsIgnoreCase(value);
    }

    @Override
    public Integer asInteger() {
        return Integer.valueOf(value);
    }

    @Override
    public Long asLong() {
        return Long.valueOf(value);
    }

    @Override
    public Float asFloat() {
        return Float.valueOf(value);
    }

    @Override
    public Double asDouble() {
        return Double.valueOf(value);
    }

    @Override
    public SpecialValueDecimal asDecimal() {
        // NaN, Infinity and -Infinity: Debezium's special values (PostgreSQL writes no '+')
        return PostgresValueConverter.toSpecialValue(value)
                .orElseGet(() -> new SpecialValueDecimal(new BigDecimal(value)));
    }

    @Override
    public byte[] asByteArray() {
        // bytea in hex output format: \x0a0b...
        return Strings.hexStringToByteArray(value.substring(2));
    }
}
