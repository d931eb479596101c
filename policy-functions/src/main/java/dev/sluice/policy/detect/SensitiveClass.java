package dev.sluice.policy.detect;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The taxonomy of sensitive data classes. Codes are {@code FAMILY.NAME}: {@code PII} personal data,
 * {@code PCI} payment card data, {@code FIN} financial accounts, {@code NET} network identifiers,
 * {@code SECRET} credentials. Policies match codes, also by prefix ({@code PII.*}).
 */
public enum SensitiveClass {
    PII_EMAIL("PII.EMAIL", "e-mail address"),
    PII_PHONE("PII.PHONE", "telephone number (international or national format)"),
    PII_SSN("PII.SSN", "US social security number"),
    PII_UK_NINO("PII.UK_NINO", "UK national insurance number"),
    PII_DOB("PII.DOB", "date of birth (a plausible date in a birth-date column)"),
    PII_PERSON_NAME("PII.PERSON_NAME", "person name (a name-shaped value in a name column)"),
    PII_ADDRESS(
            "PII.ADDRESS", "postal address (street address, city, postcode in address columns)"),
    PCI_PAN("PCI.PAN", "payment card number (primary account number)"),
    FIN_IBAN("FIN.IBAN", "international bank account number"),
    NET_IPV4("NET.IPV4", "IPv4 address"),
    NET_IPV6("NET.IPV6", "IPv6 address"),
    NET_MAC("NET.MAC", "MAC (hardware) address"),
    SECRET_AWS_ACCESS_KEY("SECRET.AWS_ACCESS_KEY", "AWS access key id"),
    SECRET_PRIVATE_KEY("SECRET.PRIVATE_KEY", "PEM private key block"),
    SECRET_JWT("SECRET.JWT", "JSON web token"),
    SECRET_TOKEN("SECRET.TOKEN", "API token or other high-entropy credential");

    private static final Map<String, SensitiveClass> BY_CODE =
            Stream.of(values())
                    .collect(Collectors.toUnmodifiableMap(c -> c.code, Function.identity()));

    private final String code;
    private final String description;

    SensitiveClass(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The code used in policies, classifications and the {@code classify} SQL function. */
    public String code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The family, the part of the code before the dot: {@code PII}, {@code PCI}, ... */
    public String family() {
        return code.substring(0, code.indexOf('.'));
    }

    public static SensitiveClass fromCode(String code) {
        SensitiveClass found = code == null ? null : BY_CODE.get(code);
        if (found == null) {
            throw new IllegalArgumentException(
                    "Invalid sensitive class code: "
                            + code
                            + ". Use one of "
                            + Stream.of(values()).map(c -> c.code).collect(Collectors.toList()));
        }
        return found;
    }
}
