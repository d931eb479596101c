package dev.sluice.policy.detect;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.jwt.JwtMac;
import com.google.crypto.tink.jwt.JwtMacConfig;
import com.google.crypto.tink.jwt.JwtPublicKeySign;
import com.google.crypto.tink.jwt.JwtSignatureConfig;
import com.google.crypto.tink.jwt.RawJwt;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import net.datafaker.Faker;
import net.datafaker.providers.base.Finance.CreditCardType;

/**
 * A second accuracy corpus that the detectors' author did not shape: positives are published
 * examples (libphonenumber's example numbers of every region and several number types, payment
 * processors' published test card numbers, the IBAN registry's example of each country) and the
 * output of other generators (datafaker in locales the first corpus does not use, Tink's JWT
 * signers, the JDK's key pair generators); hard negatives are datafaker's digests, UUIDs, ISBNs,
 * barcodes, IMEIs, hex colours, coordinates and version strings, libphonenumber's invalid example
 * numbers, and JDK-formatted timestamps and base64. No value is labeled by detector code.
 */
final class IndependentCorpus {

    /** The phone regions of the example policy ({@code detection.phone_regions}). */
    static final List<String> PHONE_REGIONS = List.of("GB", "DE", "FR", "NL", "ES", "US");

    private static final String NEUTRAL = "value";

    /** A value, its column (name and dataset region), the classes it truly has, its source. */
    record Sample(String column, String region, String value, Set<String> expected, String source) {
        ColumnContext context() {
            return ColumnContext.of(column).withRegion(region);
        }

        @Override
        public String toString() {
            return source + " [" + column + (region == null ? "" : "@" + region) + "] " + value;
        }
    }

    private final Random random;
    private final List<Faker> fakers = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

    private IndependentCorpus(long seed) {
        this.random = new Random(seed);
        String[] locales = {"it-IT", "nl-NL", "pt-BR", "pl-PL", "sv-SE", "en-AU", "en-IN", "es-MX"};
        for (int i = 0; i < locales.length; i++) {
            fakers.add(new Faker(Locale.forLanguageTag(locales[i]), new Random(seed + 10 + i)));
        }
    }

    static List<Sample> generate(long seed) {
        IndependentCorpus c = new IndependentCorpus(seed);
        c.emails();
        c.phones();
        c.ssns();
        c.birthDates();
        c.names();
        c.addresses();
        c.cards();
        c.ibans();
        c.networkAddresses();
        c.privateKeys();
        c.jwts();
        c.tokens();
        c.hardNegatives();
        return List.copyOf(c.samples);
    }

    private Faker faker() {
        return fakers.get(random.nextInt(fakers.size()));
    }

    private void add(String label, String column, String source, String value) {
        add(label, column, null, source, value);
    }

    private void add(String label, String column, String region, String source, String value) {
        samples.add(
                new Sample(
                        column, region, value, label == null ? Set.of() : Set.of(label), source));
    }

    private void repeat(int n, String label, String column, String source, Supplier<String> gen) {
        for (int i = 0; i < n; i++) {
            add(label, column, source, gen.get());
        }
    }

    private void emails() {
        repeat(
                250,
                "PII.EMAIL",
                NEUTRAL,
                "datafaker email",
                () -> faker().internet().emailAddress());
        repeat(
                150,
                "PII.EMAIL",
                NEUTRAL,
                "datafaker safe email",
                () -> faker().internet().safeEmailAddress());
    }

    private void phones() {
        PhoneNumberType[] types = {
            PhoneNumberType.FIXED_LINE,
            PhoneNumberType.MOBILE,
            PhoneNumberType.TOLL_FREE,
            PhoneNumberType.VOIP,
            PhoneNumberType.UAN
        };
        // every region: its example numbers in international forms, judged by value alone
        for (String region : new TreeSet<>(phones.getSupportedRegions())) {
            for (PhoneNumberType type : types) {
                PhoneNumber n = phones.getExampleNumberForType(region, type);
                if (n == null || random.nextInt(3) != 0) {
                    continue;
                }
                String international = phones.format(n, PhoneNumberFormat.INTERNATIONAL);
                String value =
                        switch (random.nextInt(3)) {
                            case 0 -> phones.format(n, PhoneNumberFormat.E164);
                            case 1 -> international;
                            default -> "00" + international.substring(1);
                        };
                add("PII.PHONE", NEUTRAL, "libphonenumber example " + region + " " + type, value);
            }
        }
        for (int code : phones.getSupportedGlobalNetworkCallingCodes()) {
            PhoneNumber n = phones.getExampleNumberForNonGeoEntity(code);
            if (n != null) {
                add(
                        "PII.PHONE",
                        NEUTRAL,
                        "libphonenumber non-geographic +" + code,
                        phones.format(n, PhoneNumberFormat.INTERNATIONAL));
            }
        }
        // the policy's regions: national forms, by value alone
        for (String region : PHONE_REGIONS) {
            for (PhoneNumberType type : types) {
                PhoneNumber n = phones.getExampleNumberForType(region, type);
                if (n != null) {
                    String national = phones.format(n, PhoneNumberFormat.NATIONAL);
                    add("PII.PHONE", NEUTRAL, "libphonenumber national " + region, national);
                    add(
                            "PII.PHONE",
                            NEUTRAL,
                            "libphonenumber national, dashes " + region,
                            national.replace(' ', '-'));
                }
            }
        }
        // the issue's national numbers of GB, DE, FR, NL and ES
        for (String v :
                List.of(
                        "020 7946 0958",
                        "030 1234567",
                        "01 23 45 67 89",
                        "020-123 4567",
                        "912 345 678")) {
            add("PII.PHONE", NEUTRAL, "issue 18 national", v);
        }
        // another generator's national numbers of the policy's regions
        String[] locales = {"en-GB", "de-DE", "fr-FR", "nl-NL", "es-ES", "en-US"};
        for (String locale : locales) {
            Faker f = new Faker(Locale.forLanguageTag(locale), new Random(random.nextLong()));
            for (int i = 0; i < 25; i++) {
                add(
                        "PII.PHONE",
                        NEUTRAL,
                        "datafaker national " + locale,
                        f.phoneNumber().phoneNumber());
                add(
                        "PII.PHONE",
                        NEUTRAL,
                        "datafaker mobile " + locale,
                        f.phoneNumber().cellPhone());
            }
        }
        // any region's national numbers, in a phone column of a dataset of that region
        List<String> regions = new ArrayList<>(new TreeSet<>(phones.getSupportedRegions()));
        for (int i = 0; i < 120; i++) {
            String region = regions.get(random.nextInt(regions.size()));
            PhoneNumber n = phones.getExampleNumberForType(region, types[random.nextInt(2)]);
            if (n != null) {
                add(
                        "PII.PHONE",
                        "phone",
                        region,
                        "libphonenumber national in a " + region + " phone column",
                        phones.format(n, PhoneNumberFormat.NATIONAL));
            }
        }
    }

    private void ssns() {
        Faker us = new Faker(Locale.US, new Random(random.nextLong()));
        repeat(
                300,
                "PII.SSN",
                NEUTRAL,
                "datafaker valid SSN",
                () -> {
                    String ssn = us.idNumber().ssnValid();
                    return random.nextInt(4) == 0 ? ssn.replace('-', ' ') : ssn;
                });
    }

    private void birthDates() {
        String[] columns = {"date_of_birth", "dob", "birthdate", "geburtsdatum_dob", "DOB"};
        DateTimeFormatter[] formats = {
            DateTimeFormatter.ISO_LOCAL_DATE,
            DateTimeFormatter.ofPattern("dd/MM/uuuu"),
            DateTimeFormatter.ofPattern("MM/dd/uuuu"),
            DateTimeFormatter.ofPattern("dd.MM.uuuu"),
            DateTimeFormatter.BASIC_ISO_DATE
        };
        for (int i = 0; i < 300; i++) {
            LocalDate d = faker().timeAndDate().birthday(0, 100);
            add(
                    "PII.DOB",
                    columns[random.nextInt(columns.length)],
                    "datafaker birthday",
                    d.format(formats[random.nextInt(formats.length)]));
        }
    }

    private void names() {
        for (int i = 0; i < 300; i++) {
            Faker f = faker();
            switch (random.nextInt(4)) {
                case 0 ->
                        add(
                                "PII.PERSON_NAME",
                                "first_name",
                                "datafaker name",
                                f.name().firstName());
                case 1 -> add("PII.PERSON_NAME", "surname", "datafaker name", f.name().lastName());
                case 2 ->
                        add("PII.PERSON_NAME", "full_name", "datafaker name", f.name().fullName());
                default ->
                        add("PII.PERSON_NAME", "contact_name", "datafaker name", f.name().name());
            }
        }
    }

    private void addresses() {
        for (int i = 0; i < 300; i++) {
            Faker f = faker();
            switch (random.nextInt(4)) {
                case 0 ->
                        add(
                                "PII.ADDRESS",
                                "street",
                                "datafaker address",
                                f.address().streetAddress());
                case 1 ->
                        add(
                                "PII.ADDRESS",
                                "address",
                                "datafaker address",
                                f.address().fullAddress());
                case 2 ->
                        add(
                                "PII.ADDRESS",
                                "postal_code",
                                "datafaker address",
                                f.address().zipCode());
                default ->
                        add(
                                "PII.ADDRESS",
                                "shipping_address",
                                "datafaker address",
                                f.address().streetAddress(true));
            }
        }
    }

    /**
     * Test card numbers that payment processors publish for their sandboxes, one per scheme/length.
     */
    static final List<String> PUBLISHED_TEST_CARDS =
            List.of(
                    "4111111111111111",
                    "4012888888881881",
                    "4222222222222",
                    "4242424242424242",
                    "4000056655665556",
                    "4917610000000000003",
                    "5555555555554444",
                    "5105105105105100",
                    "5200828282828210",
                    "2223003122003222",
                    "2223000048400011",
                    "378282246310005",
                    "371449635398431",
                    "378734493671000",
                    "6011111111111117",
                    "6011000990139424",
                    "6011981111111113",
                    "30569309025904",
                    "38520000023237",
                    "36227206271667",
                    "3056930009020004",
                    "36006666333344",
                    "3530111333300000",
                    "3566002020360505",
                    "3566111111111113",
                    "6200000000000005",
                    "6205500000000000004",
                    "6250941006528599",
                    "6759649826438453",
                    "6799990100000000019",
                    "6771798021000008");

    private void cards() {
        for (String card : PUBLISHED_TEST_CARDS) {
            add("PCI.PAN", NEUTRAL, "published test card", card);
            add("PCI.PAN", NEUTRAL, "published test card, grouped", grouped(card, " "));
            add("PCI.PAN", NEUTRAL, "published test card, grouped", grouped(card, "-"));
        }
        CreditCardType[] types = {
            CreditCardType.VISA,
            CreditCardType.MASTERCARD,
            CreditCardType.AMERICAN_EXPRESS,
            CreditCardType.DISCOVER,
            CreditCardType.DINERS_CLUB,
            CreditCardType.DANKORT,
            CreditCardType.LASER,
            CreditCardType.FORBRUGSFORENINGEN
        };
        for (int i = 0; i < 240; i++) {
            CreditCardType type = types[random.nextInt(types.length)];
            String card = faker().finance().creditCard(type);
            add(
                    "PCI.PAN",
                    NEUTRAL,
                    "datafaker " + type,
                    random.nextBoolean() ? card.replace("-", "") : card);
        }
    }

    /** Printed groupings: 4-6-5 for 15 digits, 4-6-4 for 14, else groups of four. */
    private static String grouped(String digits, String separator) {
        int[] groups =
                switch (digits.length()) {
                    case 15 -> new int[] {4, 6, 5};
                    case 14 -> new int[] {4, 6, 4};
                    default -> null;
                };
        StringBuilder b = new StringBuilder();
        int at = 0;
        int g = 0;
        while (at < digits.length()) {
            int size = groups == null ? 4 : groups[g++];
            if (b.length() > 0) {
                b.append(separator);
            }
            b.append(digits, at, Math.min(digits.length(), at + size));
            at += size;
        }
        return b.toString();
    }

    /** The example IBAN of each country as the IBAN registry prints it. */
    static final List<String> PUBLISHED_IBANS =
            List.of(
                    "AD1200012030200359100100",
                    "AE070331234567890123456",
                    "AL47212110090000000235698741",
                    "AT611904300234573201",
                    "AZ21NABZ00000000137010001944",
                    "BA391290079401028494",
                    "BE68539007547034",
                    "BG80BNBG96611020345678",
                    "BH67BMAG00001299123456",
                    "BR1800360305000010009795493C1",
                    "CH9300762011623852957",
                    "CR05015202001026284066",
                    "CY17002001280000001200527600",
                    "CZ6508000000192000145399",
                    "DE89370400440532013000",
                    "DK5000400440116243",
                    "DO28BAGR00000001212453611324",
                    "EE382200221020145685",
                    "ES9121000418450200051332",
                    "FI2112345600000785",
                    "FO6264600001631634",
                    "FR1420041010050500013M02606",
                    "GB29NWBK60161331926819",
                    "GE29NB0000000101904917",
                    "GI75NWBK000000007099453",
                    "GL8964710001000206",
                    "GR1601101250000000012300695",
                    "GT82TRAJ01020000001210029690",
                    "HR1210010051863000160",
                    "HU42117730161111101800000000",
                    "IE29AIBK93115212345678",
                    "IL620108000000099999999",
                    "IS140159260076545510730339",
                    "IT60X0542811101000000123456",
                    "JO94CBJO0010000000000131000302",
                    "KW81CBKU0000000000001234560101",
                    "KZ86125KZT5004100100",
                    "LB62099900000001001901229114",
                    "LI21088100002324013AA",
                    "LT121000011101001000",
                    "LU280019400644750000",
                    "LV80BANK0000435195001",
                    "MC5811222000010123456789030",
                    "MD24AG000225100013104168",
                    "ME25505000012345678951",
                    "MK07250120000058984",
                    "MR1300020001010000123456753",
                    "MT84MALT011000012345MTLCAST001S",
                    "MU17BOMM0101101030300200000MUR",
                    "NL91ABNA0417164300",
                    "NO9386011117947",
                    "PK36SCBL0000001123456702",
                    "PL61109010140000071219812874",
                    "PS92PALS000000000400123456702",
                    "PT50000201231234567890154",
                    "QA58DOHB00001234567890ABCDEFG",
                    "RO49AAAA1B31007593840000",
                    "RS35260005601001611379",
                    "SA0380000000608010167519",
                    "SE4550000000058398257466",
                    "SI56263300012039086",
                    "SK3112000000198742637541",
                    "SM86U0322509800000000270100",
                    "TN5910006035183598478831",
                    "TR330006100519786457841326",
                    "UA213223130000026007233566001",
                    "VG96VPVG0000012345678901",
                    "XK051212012345678906");

    private void ibans() {
        for (String iban : PUBLISHED_IBANS) {
            add("FIN.IBAN", NEUTRAL, "IBAN registry example", iban);
            add("FIN.IBAN", NEUTRAL, "IBAN registry example, printed", printed(iban));
        }
        String[] countries = {
            "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR",
                    "HR",
            "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO",
                    "SE",
            "SI", "SK", "TR", "SA", "AE", "IL", "BR"
        };
        for (int i = 0; i < 220; i++) {
            String country = countries[random.nextInt(countries.length)];
            String iban = faker().finance().iban(country);
            add(
                    "FIN.IBAN",
                    NEUTRAL,
                    "datafaker IBAN " + country,
                    random.nextBoolean() ? iban : printed(iban));
        }
    }

    private static String printed(String iban) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < iban.length(); i += 4) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(iban, i, Math.min(iban.length(), i + 4));
        }
        return b.toString();
    }

    private void networkAddresses() {
        repeat(100, "NET.IPV4", NEUTRAL, "datafaker IPv4", () -> faker().internet().ipV4Address());
        repeat(
                100,
                "NET.IPV4",
                NEUTRAL,
                "datafaker private IPv4",
                () -> faker().internet().privateIpV4Address());
        repeat(
                100,
                "NET.IPV4",
                NEUTRAL,
                "datafaker public IPv4",
                () -> faker().internet().publicIpV4Address());
        repeat(300, "NET.IPV6", NEUTRAL, "datafaker IPv6", () -> faker().internet().ipV6Address());
        for (String v :
                List.of(
                        "2001:db8::1",
                        "2001:db8:85a3::8a2e:370:7334",
                        "::1",
                        "fe80::1",
                        "ff02::1",
                        "ff02::1:ff00:1",
                        "::ffff:192.0.2.128",
                        "64:ff9b::192.0.2.33",
                        "2001:db8:0:0:1:0:0:1",
                        "2001:DB8::8:800:200C:417A",
                        "FF01::101",
                        "2002:c000:0204::1",
                        "2001:db8:122:344::192.0.2.33",
                        "2001:db8::a:b:c:d",
                        "2606:4700:4700::1111",
                        "2001:4860:4860::8888")) {
            add("NET.IPV6", NEUTRAL, "RFC / public resolver address", v);
        }
        for (int i = 0; i < 300; i++) {
            String mac = faker().internet().macAddress();
            String value =
                    switch (random.nextInt(3)) {
                        case 0 -> mac;
                        case 1 -> mac.toUpperCase(Locale.ROOT);
                        default -> mac.toUpperCase(Locale.ROOT).replace(':', '-');
                    };
            add("NET.MAC", NEUTRAL, "datafaker MAC", value);
        }
    }

    private void privateKeys() {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(random.nextLong());
            String[][] algorithms = {
                {"EC", "secp256r1"},
                {"EC", "secp384r1"},
                {"EC", "secp521r1"},
                {"Ed25519", null},
                {"X25519", null},
                {"Ed448", null},
                {"RSA", "1024"}
            };
            for (int i = 0; i < 300; i++) {
                String[] a = algorithms[i % algorithms.length];
                KeyPairGenerator g = KeyPairGenerator.getInstance(a[0]);
                if ("EC".equals(a[0])) {
                    g.initialize(new ECGenParameterSpec(a[1]), seeded);
                } else if ("RSA".equals(a[0])) {
                    g.initialize(Integer.parseInt(a[1]), seeded);
                }
                byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
                boolean crlf = random.nextBoolean();
                String eol = crlf ? "\r\n" : "\n";
                String body =
                        Base64.getMimeEncoder(64, eol.getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pkcs8);
                add(
                        "SECRET.PRIVATE_KEY",
                        NEUTRAL,
                        "JDK " + a[0] + " PKCS#8 PEM",
                        "-----BEGIN PRIVATE KEY-----"
                                + eol
                                + body
                                + eol
                                + "-----END PRIVATE KEY-----"
                                + eol);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate test keys", e);
        }
    }

    private void jwts() {
        try {
            JwtMacConfig.register();
            JwtSignatureConfig.register();
            JwtMac hs256 =
                    KeysetHandle.generateNew(KeyTemplates.get("JWT_HS256"))
                            .getPrimitive(JwtMac.class);
            JwtMac hs512 =
                    KeysetHandle.generateNew(KeyTemplates.get("JWT_HS512_RAW"))
                            .getPrimitive(JwtMac.class);
            JwtPublicKeySign es256 =
                    KeysetHandle.generateNew(KeyTemplates.get("JWT_ES256"))
                            .getPrimitive(JwtPublicKeySign.class);
            for (int i = 0; i < 300; i++) {
                Faker f = faker();
                RawJwt raw =
                        RawJwt.newBuilder()
                                .setSubject(f.internet().uuid())
                                .setIssuer("https://" + f.internet().domainName())
                                .addAudience(f.app().name())
                                .setIssuedAt(
                                        Instant.ofEpochSecond(
                                                1_700_000_000L + random.nextInt(10_000_000)))
                                .setExpiration(
                                        Instant.ofEpochSecond(
                                                1_800_000_000L + random.nextInt(10_000_000)))
                                .addStringClaim("email", f.internet().emailAddress())
                                .addStringClaim("name", f.name().fullName())
                                .build();
                String token =
                        switch (i % 3) {
                            case 0 -> hs256.computeMacAndEncode(raw);
                            case 1 -> hs512.computeMacAndEncode(raw);
                            default -> es256.signAndEncode(raw);
                        };
                add("SECRET.JWT", NEUTRAL, "Tink JWT " + (i % 3 == 2 ? "ES256" : "HMAC"), token);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign test JWTs", e);
        }
    }

    private void tokens() {
        // generic secrets count only in credential columns; values from common generators
        String[] columns = {
            "api_key", "access_token", "client_secret", "refresh_token", "password"
        };
        for (int i = 0; i < 300; i++) {
            byte[] bytes = new byte[16 + random.nextInt(33)];
            random.nextBytes(bytes);
            String column = columns[random.nextInt(columns.length)];
            String value =
                    switch (random.nextInt(5)) {
                        case 0 -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                        case 1 -> Base64.getEncoder().encodeToString(bytes);
                        case 2 -> new BigInteger(1, bytes).toString(16);
                        case 3 -> UUID.nameUUIDFromBytes(bytes).toString();
                        default -> faker().internet().password(12, 32, true, true, true);
                    };
            add("SECRET.TOKEN", column, "generated secret in a credential column", value);
        }
    }

    private void hardNegatives() {
        List<Supplier<String>> gens = new ArrayList<>();
        gens.add(() -> faker().hashing().md5());
        gens.add(() -> faker().hashing().sha1());
        gens.add(() -> faker().hashing().sha256());
        gens.add(() -> faker().hashing().sha512());
        gens.add(() -> faker().hashing().sha256().toUpperCase(Locale.ROOT));
        gens.add(() -> base64Digest("MD5", false));
        gens.add(() -> base64Digest("SHA-1", false));
        gens.add(() -> base64Digest("SHA-256", false));
        gens.add(() -> base64Digest("SHA-256", true));
        gens.add(() -> randomBase64(12 + random.nextInt(60), false));
        gens.add(() -> randomBase64(12 + random.nextInt(60), true));
        gens.add(() -> faker().internet().uuid());
        gens.add(() -> faker().internet().uuid().toUpperCase(Locale.ROOT));
        gens.add(() -> faker().internet().uuid().replace("-", ""));
        gens.add(() -> faker().code().isbn10(true));
        gens.add(() -> faker().code().isbn10(false));
        gens.add(() -> faker().code().isbn13(true));
        gens.add(() -> faker().code().isbn13(false));
        gens.add(() -> Long.toString(faker().barcode().ean13()));
        gens.add(() -> Long.toString(faker().barcode().gtin14()));
        gens.add(() -> faker().code().imei());
        gens.add(() -> faker().code().asin());
        gens.add(() -> faker().color().hex());
        gens.add(() -> faker().color().hex(false));
        gens.add(() -> faker().address().latitude());
        gens.add(() -> faker().address().longitude());
        gens.add(() -> faker().address().latLon());
        gens.add(() -> faker().address().lonLat());
        gens.add(() -> faker().app().version());
        gens.add(() -> "v" + faker().app().version());
        gens.add(() -> faker().app().version() + "-SNAPSHOT");
        gens.add(() -> faker().aws().accountId());
        gens.add(() -> faker().aws().vpcId());
        gens.add(() -> faker().aws().securityGroupId());
        gens.add(() -> faker().aws().acmARN());
        gens.add(() -> faker().finance().bic());
        gens.add(() -> faker().finance().usRoutingNumber());
        gens.add(() -> faker().commerce().price());
        gens.add(() -> faker().commerce().promotionCode());
        gens.add(() -> faker().device().serial());
        gens.add(() -> faker().passport().valid());
        gens.add(() -> faker().internet().url());
        gens.add(() -> faker().internet().slug());
        gens.add(() -> faker().internet().username());
        gens.add(() -> faker().commerce().productName());
        gens.add(this::timestamp);
        gens.add(this::timestamp);
        gens.add(() -> Long.toString(1_500_000_000L + random.nextInt(300_000_000)));
        gens.add(() -> Long.toString(1_500_000_000_000L + (long) (random.nextDouble() * 3e11)));
        gens.add(this::invalidPhoneExample);
        for (int i = 0; i < 1500; i++) {
            int which = random.nextInt(gens.size());
            add(null, NEUTRAL, "hard negative #" + which, gens.get(which).get());
        }
    }

    private String base64Digest(String algorithm, boolean urlSafe) {
        try {
            byte[] input = new byte[32];
            random.nextBytes(input);
            byte[] digest = MessageDigest.getInstance(algorithm).digest(input);
            return urlSafe
                    ? Base64.getUrlEncoder().withoutPadding().encodeToString(digest)
                    : Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomBase64(int bytes, boolean urlSafe) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return urlSafe
                ? Base64.getUrlEncoder().encodeToString(b)
                : Base64.getEncoder().encodeToString(b);
    }

    private String timestamp() {
        Instant t = Instant.ofEpochSecond(1_400_000_000L + random.nextInt(400_000_000));
        return switch (random.nextInt(4)) {
            case 0 -> DateTimeFormatter.ISO_INSTANT.format(t);
            case 1 ->
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                            t.atOffset(ZoneOffset.ofHours(2)));
            case 2 -> DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(ZoneId.of("GMT")));
            default ->
                    DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS")
                            .format(t.atZone(ZoneOffset.UTC));
        };
    }

    /** libphonenumber's number that is invalid for a region, in international form. */
    private String invalidPhoneExample() {
        List<String> regions = new ArrayList<>(new TreeSet<>(phones.getSupportedRegions()));
        while (true) {
            PhoneNumber n =
                    phones.getInvalidExampleNumber(regions.get(random.nextInt(regions.size())));
            if (n != null) {
                return phones.format(n, PhoneNumberFormat.INTERNATIONAL);
            }
        }
    }
}
