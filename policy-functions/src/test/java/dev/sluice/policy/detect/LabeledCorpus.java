package dev.sluice.policy.detect;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.datafaker.Faker;
import net.datafaker.providers.base.Finance.CreditCardType;

/**
 * A labeled, seeded (reproducible) corpus for measuring detection: positives generated with
 * datafaker (or, where datafaker has no generator, by rules from the public specification of the
 * format) and hand-made hard negatives that look like sensitive values but are not.
 */
final class LabeledCorpus {

    /** A value, the column it comes from, and the classes it truly has. */
    record Sample(String column, String value, Set<String> expected, String source) {}

    private static final String BASE62 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String NEUTRAL = "value";

    private final Random random;
    private final Faker us;
    private final List<Faker> world;
    private final List<Sample> samples = new ArrayList<>();

    private LabeledCorpus(long seed) {
        this.random = new Random(seed);
        this.us = new Faker(Locale.US, new Random(seed + 1));
        this.world = new ArrayList<>();
        String[] locales = {"en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP"};
        for (int i = 0; i < locales.length; i++) {
            world.add(new Faker(Locale.forLanguageTag(locales[i]), new Random(seed + 2 + i)));
        }
    }

    static List<Sample> generate(long seed, int perClass) {
        LabeledCorpus c = new LabeledCorpus(seed);
        c.positives(perClass);
        c.hardNegatives(perClass);
        return List.copyOf(c.samples);
    }

    private void positives(int n) {
        add(n, "PII.EMAIL", NEUTRAL, "datafaker email", () -> pick().internet().emailAddress());
        add(
                n / 2,
                "PII.EMAIL",
                NEUTRAL,
                "datafaker email (en-US)",
                () -> us.internet().emailAddress());
        add(
                n / 2,
                "PII.PHONE",
                NEUTRAL,
                "datafaker US national",
                () -> us.phoneNumber().phoneNumber());
        add(n / 2, "PII.PHONE", NEUTRAL, "datafaker US cell", () -> us.phoneNumber().cellPhone());
        add(
                n,
                "PII.PHONE",
                NEUTRAL,
                "datafaker international",
                () -> pick().phoneNumber().phoneNumberInternational());
        add(n, "PII.SSN", NEUTRAL, "datafaker SSN", () -> us.idNumber().ssnValid());
        add(n, "PII.UK_NINO", NEUTRAL, "NINO by HMRC rules", this::nino);
        String[] dobColumns = {"dob", "date_of_birth", "birthDate", "BIRTHDAY", "customer_dob"};
        String[] dateFormats = {"yyyy-MM-dd", "dd/MM/yyyy", "MM/dd/yyyy", "dd.MM.yyyy", "yyyyMMdd"};
        add(
                n,
                "PII.DOB",
                null,
                "datafaker birthday",
                () -> {
                    Date birthday = us.date().birthday(0, 100);
                    SimpleDateFormat format = new SimpleDateFormat(oneOf(dateFormats), Locale.ROOT);
                    format.setTimeZone(TimeZone.getTimeZone("UTC"));
                    return new String[] {oneOf(dobColumns), format.format(birthday)};
                });
        add(
                n,
                "PII.PERSON_NAME",
                null,
                "datafaker names",
                () -> {
                    Faker f = pick();
                    return switch (random.nextInt(5)) {
                        case 0 -> new String[] {"first_name", f.name().firstName()};
                        case 1 -> new String[] {"lastName", f.name().lastName()};
                        case 2 -> new String[] {"full_name", f.name().fullName()};
                        case 3 -> new String[] {"customer_name", us.name().fullName()};
                        default -> new String[] {"name", us.name().fullName()};
                    };
                });
        add(
                n,
                "PII.ADDRESS",
                null,
                "datafaker addresses",
                () -> {
                    Faker f = pick();
                    return switch (random.nextInt(5)) {
                        case 0 -> new String[] {"street_address", f.address().streetAddress()};
                        case 1 -> new String[] {"address", us.address().fullAddress()};
                        case 2 -> new String[] {"zip_code", us.address().zipCode()};
                        case 3 -> new String[] {"billingAddress", f.address().fullAddress()};
                        default -> new String[] {"city", f.address().city()};
                    };
                });
        // datafaker's JCB generator emits prefixes and lengths no JCB card has: covered by unit
        // tests
        CreditCardType[] cards =
                java.util.Arrays.stream(CreditCardType.values())
                        .filter(t -> t != CreditCardType.JCB)
                        .toArray(CreditCardType[]::new);
        add(
                n,
                "PCI.PAN",
                NEUTRAL,
                "datafaker cards",
                () -> {
                    String card = card(cards[random.nextInt(cards.length)]);
                    return random.nextBoolean() ? card.replace("-", "") : card;
                });
        add(
                n,
                "FIN.IBAN",
                NEUTRAL,
                "datafaker IBAN",
                () -> {
                    String iban = us.finance().iban();
                    return random.nextBoolean() ? iban : printed(iban);
                });
        add(n, "NET.IPV4", NEUTRAL, "datafaker IPv4", () -> us.internet().ipV4Address());
        add(n, "NET.IPV6", NEUTRAL, "datafaker IPv6", () -> us.internet().ipV6Address());
        add(
                n,
                "NET.MAC",
                NEUTRAL,
                "datafaker MAC",
                () -> {
                    String mac = us.internet().macAddress();
                    return random.nextBoolean()
                            ? mac
                            : mac.toUpperCase(Locale.ROOT).replace(':', '-');
                });
        add(
                n,
                "SECRET.AWS_ACCESS_KEY",
                NEUTRAL,
                "AWS key id by format",
                () -> (random.nextBoolean() ? "AKIA" : "ASIA") + randomOf(BASE32, 16));
        add(n / 4, "SECRET.PRIVATE_KEY", NEUTRAL, "generated EC/RSA keys", this::privateKey);
        add(n, "SECRET.JWT", NEUTRAL, "signed JWTs with datafaker claims", this::jwt);
        // generic tokens count only in a credential column: by value they are base64 blobs
        add(n, "SECRET.TOKEN", "api_token", "random API tokens", this::token);
    }

    private void hardNegatives(int n) {
        add(n, null, "order_id", "order ids passing Luhn", this::luhnOrderId);
        add(n / 2, null, NEUTRAL, "version strings", this::version);
        add(n / 2, null, NEUTRAL, "timestamps", this::timestamp);
        add(n / 2, null, NEUTRAL, "UUIDs", () -> uuid(random.nextBoolean()));
        add(n, null, NEUTRAL, "phone-like non-phones", this::phoneLike);
        add(n / 2, null, NEUTRAL, "random hex", () -> hex(8 + random.nextInt(57)));
        add(n / 4, null, NEUTRAL, "ISBNs", () -> us.code().isbn13(true));
        add(n / 2, null, NEUTRAL, "IBANs with a wrong check", this::brokenIban);
        add(n / 2, null, NEUTRAL, "card numbers failing Luhn", this::brokenCard);
        add(n / 2, null, NEUTRAL, "SSNs never issued", this::invalidSsn);
        add(
                n / 4,
                null,
                NEUTRAL,
                "amounts",
                () -> String.format(Locale.US, "%,.2f", random.nextDouble() * 1e7));
        add(n / 2, null, NEUTRAL, "sentences", () -> us.lorem().sentence());
        add(n / 4, null, NEUTRAL, "product names", () -> us.commerce().productName());
        add(n / 4, null, NEUTRAL, "URLs", () -> us.internet().url());
        add(n / 4, null, NEUTRAL, "user names", () -> us.internet().username());
        add(n / 4, null, NEUTRAL, "camelCase identifiers", this::identifier);
        add(
                n / 4,
                null,
                "created_at",
                "dates outside birth columns",
                () -> us.date().birthday().toString());
        add(
                n / 4,
                null,
                "product_name",
                "names in product columns",
                () -> us.commerce().productName());
        String[] placeholders = {"n/a", "unknown", "none", "-", "NULL", "TBD"};
        String[] personColumns = {"first_name", "full_name", "address", "dob", "email", "phone"};
        add(
                n / 4,
                null,
                null,
                "placeholders in sensitive columns",
                () -> new String[] {oneOf(personColumns), oneOf(placeholders)});
        add(
                n / 4,
                null,
                null,
                "impossible birth dates",
                () ->
                        new String[] {
                            "dob",
                            oneOf(
                                    new String[] {
                                        "2999-12-31", "0000-00-00", "1985-02-30", "1850-01-01"
                                    })
                        });
    }

    private void add(int count, String label, String column, String source, Supplier<Object> gen) {
        Set<String> expected = label == null ? Set.of() : Set.of(label);
        for (int i = 0; i < count; i++) {
            Object generated = gen.get();
            if (generated instanceof String[] pair) {
                samples.add(new Sample(pair[0], pair[1], expected, source));
            } else {
                samples.add(new Sample(column, (String) generated, expected, source));
            }
        }
    }

    private Faker pick() {
        return random.nextInt(3) == 0 ? us : world.get(random.nextInt(world.size()));
    }

    private String oneOf(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String randomOf(String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String hex(int length) {
        String h = randomOf("0123456789abcdef", length);
        return random.nextInt(4) == 0 ? h.toUpperCase(Locale.ROOT) : h;
    }

    private String uuid(boolean upper) {
        String u = new UUID(random.nextLong(), random.nextLong()).toString();
        return upper ? u.toUpperCase(Locale.ROOT) : u;
    }

    private static String printed(String compact) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < compact.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                b.append(' ');
            }
            b.append(compact.charAt(i));
        }
        return b.toString();
    }

    private String nino() {
        String first = "ABCEGHJKLMNOPRSTWXYZ";
        String second = "ABCEGHJKLMNPRSTWXYZ";
        String prefix;
        do {
            prefix =
                    ""
                            + first.charAt(random.nextInt(first.length()))
                            + second.charAt(random.nextInt(second.length()));
        } while (Set.of("BG", "GB", "KN", "NK", "NT", "TN", "ZZ").contains(prefix));
        String digits = String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
        char suffix = "ABCD".charAt(random.nextInt(4));
        if (random.nextBoolean()) {
            return prefix + digits + suffix;
        }
        return prefix
                + " "
                + digits.substring(0, 2)
                + " "
                + digits.substring(2, 4)
                + " "
                + digits.substring(4)
                + " "
                + suffix;
    }

    private String privateKey() {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(random.nextLong());
            boolean rsa = random.nextInt(10) == 0; // RSA key generation is slow
            KeyPairGenerator generator = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC");
            generator.initialize(rsa ? 1024 : 256, seeded);
            byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            String body =
                    Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der);
            String label =
                    rsa ? "PRIVATE KEY" : oneOf(new String[] {"PRIVATE KEY", "EC PRIVATE KEY"});
            return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a test key", e);
        }
    }

    private String jwt() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String alg = oneOf(new String[] {"HS256", "HS512", "RS256"});
        String header =
                random.nextBoolean()
                        ? "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}"
                        : "{\"typ\":\"JWT\",\"kid\":\"" + hex(8) + "\",\"alg\":\"" + alg + "\"}";
        String payload =
                "{\"sub\":\""
                        + uuid(false)
                        + "\",\"name\":\""
                        + us.name().fullName()
                        + "\",\"email\":\""
                        + us.internet().emailAddress()
                        + "\",\"iat\":"
                        + (1_600_000_000 + random.nextInt(100_000_000))
                        + "}";
        String signingInput =
                b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
                        + "."
                        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        byte[] signature;
        if (alg.startsWith("HS")) {
            try {
                String macName = alg.equals("HS256") ? "HmacSHA256" : "HmacSHA512";
                Mac mac = Mac.getInstance(macName);
                mac.init(
                        new SecretKeySpec(
                                randomOf(BASE62, 32).getBytes(StandardCharsets.US_ASCII), macName));
                signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot sign a test token", e);
            }
        } else {
            signature = new byte[256];
            random.nextBytes(signature);
        }
        return signingInput + "." + b64.encodeToString(signature);
    }

    private String token() {
        return switch (random.nextInt(4)) {
            case 0 ->
                    oneOf(new String[] {"ghp_", "xoxb-", "sk_live_", "glpat-"})
                            + randomOf(BASE62, 36);
            case 1 -> randomOf(BASE62, 24 + random.nextInt(41));
            case 2 -> {
                byte[] bytes = new byte[18 + random.nextInt(30)];
                random.nextBytes(bytes);
                yield Base64.getEncoder().encodeToString(bytes);
            }
            default -> {
                byte[] bytes = new byte[24 + random.nextInt(24)];
                random.nextBytes(bytes);
                yield Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            }
        };
    }

    private String card(CreditCardType type) {
        return us.finance().creditCard(type);
    }

    private String luhnOrderId() {
        int length = 12 + random.nextInt(5);
        // leads that no card scheme uses: a 4... or 51... id that passes Luhn is a PAN by value
        String lead = oneOf(new String[] {"1", "20", "7", "80", "88", "9"});
        StringBuilder b = new StringBuilder(lead);
        while (b.length() < length - 1) {
            b.append(random.nextInt(10));
        }
        for (int check = 0; check < 10; check++) {
            if (PaymentCardDetector.luhn(b.toString() + check)) {
                return b.append(check).toString();
            }
        }
        throw new IllegalStateException("No Luhn check digit for " + b);
    }

    private String version() {
        return switch (random.nextInt(5)) {
            case 0 ->
                    random.nextInt(10)
                            + "."
                            + random.nextInt(10)
                            + "."
                            + random.nextInt(10)
                            + "."
                            + random.nextInt(10);
            case 1 -> random.nextInt(20) + "." + random.nextInt(40) + "." + random.nextInt(300);
            case 2 ->
                    "v"
                            + random.nextInt(20)
                            + "."
                            + random.nextInt(40)
                            + "."
                            + random.nextInt(300)
                            + "."
                            + random.nextInt(300);
            case 3 ->
                    random.nextInt(12)
                            + ".0."
                            + (256 + random.nextInt(30000))
                            + "."
                            + random.nextInt(2000);
            default ->
                    random.nextInt(5)
                            + "."
                            + random.nextInt(20)
                            + "."
                            + random.nextInt(10)
                            + "."
                            + random.nextInt(10)
                            + "-SNAPSHOT";
        };
    }

    private String timestamp() {
        long epochSeconds = 1_500_000_000L + random.nextInt(300_000_000);
        Date date = new Date(epochSeconds * 1000);
        String pattern =
                oneOf(
                        new String[] {
                            "yyyy-MM-dd'T'HH:mm:ss'Z'",
                            "yyyy-MM-dd HH:mm:ss",
                            "HH:mm:ss",
                            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
                        });
        return switch (random.nextInt(3)) {
            case 0 -> Long.toString(epochSeconds);
            case 1 -> Long.toString(epochSeconds * 1000 + random.nextInt(1000));
            default -> {
                SimpleDateFormat format = new SimpleDateFormat(pattern, Locale.ROOT);
                format.setTimeZone(TimeZone.getTimeZone("UTC"));
                yield format.format(date);
            }
        };
    }

    private String phoneLike() {
        return switch (random.nextInt(6)) {
            // North American area codes never start with 0 or 1
            case 0 ->
                    String.format(
                            Locale.ROOT,
                            "%d%02d-%03d-%04d",
                            random.nextInt(2),
                            random.nextInt(100),
                            random.nextInt(1000),
                            random.nextInt(10000));
            case 1 ->
                    String.format(
                            Locale.ROOT,
                            "(%d%02d) %03d-%04d",
                            random.nextInt(2),
                            random.nextInt(100),
                            random.nextInt(1000),
                            random.nextInt(10000));
            case 2 -> Long.toString(1_000_000_000L + (long) (random.nextDouble() * 8_999_999_999L));
            case 3 ->
                    String.format(
                            Locale.ROOT,
                            "%05d-%04d",
                            random.nextInt(100000),
                            random.nextInt(10000));
            case 4 ->
                    String.format(
                            Locale.ROOT,
                            "%d %03d %03d",
                            1 + random.nextInt(9),
                            random.nextInt(1000),
                            random.nextInt(1000));
            default ->
                    "+1 "
                            + String.format(
                                    Locale.ROOT,
                                    "%d%02d %03d %04d",
                                    random.nextInt(2),
                                    random.nextInt(100),
                                    random.nextInt(1000),
                                    random.nextInt(10000));
        };
    }

    private String brokenIban() {
        String iban = us.finance().iban().toUpperCase(Locale.ROOT);
        int position = 4 + random.nextInt(iban.length() - 4);
        char c = iban.charAt(position);
        char replacement =
                Character.isDigit(c)
                        ? (char) ('0' + (c - '0' + 1 + random.nextInt(9)) % 10)
                        : (char) ('A' + (c - 'A' + 1 + random.nextInt(25)) % 26);
        return iban.substring(0, position) + replacement + iban.substring(position + 1);
    }

    private String brokenCard() {
        String card = us.finance().creditCard(CreditCardType.VISA).replace("-", "");
        int position = random.nextInt(card.length());
        char c = card.charAt(position);
        char replacement = (char) ('0' + (c - '0' + 1 + random.nextInt(9)) % 10);
        return card.substring(0, position) + replacement + card.substring(position + 1);
    }

    private String invalidSsn() {
        String area = oneOf(new String[] {"000", "666", String.valueOf(900 + random.nextInt(100))});
        return switch (random.nextInt(3)) {
            case 0 ->
                    String.format(
                            Locale.ROOT,
                            "%s-%02d-%04d",
                            area,
                            1 + random.nextInt(99),
                            1 + random.nextInt(9999));
            case 1 ->
                    String.format(
                            Locale.ROOT,
                            "%03d-00-%04d",
                            1 + random.nextInt(665),
                            1 + random.nextInt(9999));
            default ->
                    String.format(
                            Locale.ROOT,
                            "%03d-%02d-0000",
                            1 + random.nextInt(665),
                            1 + random.nextInt(99));
        };
    }

    private String identifier() {
        StringBuilder b = new StringBuilder(us.lorem().word());
        for (int i = 0; i < 3 + random.nextInt(3); i++) {
            String w = us.lorem().word();
            b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return b.append(random.nextInt(100)).toString();
    }
}
