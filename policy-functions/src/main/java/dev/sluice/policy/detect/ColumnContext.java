package dev.sluice.policy.detect;

import static dev.sluice.policy.detect.SensitiveClass.FIN_IBAN;
import static dev.sluice.policy.detect.SensitiveClass.NET_IPV4;
import static dev.sluice.policy.detect.SensitiveClass.NET_IPV6;
import static dev.sluice.policy.detect.SensitiveClass.NET_MAC;
import static dev.sluice.policy.detect.SensitiveClass.PCI_PAN;
import static dev.sluice.policy.detect.SensitiveClass.PII_ADDRESS;
import static dev.sluice.policy.detect.SensitiveClass.PII_DOB;
import static dev.sluice.policy.detect.SensitiveClass.PII_EMAIL;
import static dev.sluice.policy.detect.SensitiveClass.PII_PERSON_NAME;
import static dev.sluice.policy.detect.SensitiveClass.PII_PHONE;
import static dev.sluice.policy.detect.SensitiveClass.PII_SSN;
import static dev.sluice.policy.detect.SensitiveClass.PII_UK_NINO;
import static dev.sluice.policy.detect.SensitiveClass.SECRET_AWS_ACCESS_KEY;
import static dev.sluice.policy.detect.SensitiveClass.SECRET_JWT;
import static dev.sluice.policy.detect.SensitiveClass.SECRET_PRIVATE_KEY;
import static dev.sluice.policy.detect.SensitiveClass.SECRET_TOKEN;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a column name says about its values. The name is split into lower-case words (at
 * non-alphanumerics, camelCase and letter/digit boundaries: {@code customerEmailAddr} → customer,
 * email, addr); runs of up to four words are matched, longest first, against a table of signals, so
 * {@code ip_address} means an IP address, not a postal one. Build one per column and reuse it.
 */
public final class ColumnContext {

    private static final int MAX_WINDOW = 4;
    private static final ColumnContext NONE = new ColumnContext("", List.of());

    /**
     * Keys are the words of a signal joined without separator; a null class marks a neutral phrase.
     */
    private static final Map<String, Entry> SIGNALS = new HashMap<>();

    private record Entry(SensitiveClass[] classes, double weight) {}

    static {
        strong(PII_EMAIL, "email", "emailaddress", "emailaddr", "mail", "mailaddress", "emailid");
        strong(
                PII_PHONE,
                "phone",
                "phonenumber",
                "phoneno",
                "telephone",
                "tel",
                "telno",
                "mobile",
                "mobilenumber",
                "mobilephone",
                "cellphone",
                "msisdn",
                "fax",
                "faxnumber");
        medium(PII_PHONE, "cell", "contactnumber");
        strong(PII_SSN, "ssn", "socialsecurity", "socialsecuritynumber", "socialsecurityno");
        strong(
                PII_UK_NINO,
                "nino",
                "nationalinsurance",
                "nationalinsurancenumber",
                "nationalinsuranceno",
                "ninumber");
        strong(PII_DOB, "dob", "birthdate", "dateofbirth", "birthday", "bday", "borndate", "born");
        medium(PII_DOB, "birth");
        strong(
                PII_PERSON_NAME,
                "firstname",
                "lastname",
                "fullname",
                "surname",
                "forename",
                "givenname",
                "familyname",
                "middlename",
                "maidenname",
                "personname",
                "customername",
                "contactname",
                "employeename",
                "cardholdername",
                "holdername",
                "patientname");
        weak(PII_PERSON_NAME, "name", "fname", "lname");
        strong(
                PII_ADDRESS,
                "address",
                "streetaddress",
                "addressline",
                "homeaddress",
                "postaladdress",
                "mailingaddress",
                "billingaddress",
                "shippingaddress",
                "street",
                "postcode",
                "postalcode",
                "zipcode",
                "zip");
        medium(PII_ADDRESS, "addr", "city", "town");
        strong(
                PCI_PAN,
                "pan",
                "cardnumber",
                "cardno",
                "cardnum",
                "creditcard",
                "creditcardnumber",
                "ccnumber",
                "ccnum",
                "debitcard",
                "primaryaccountnumber");
        medium(PCI_PAN, "card", "cc");
        strong(FIN_IBAN, "iban", "ibannumber");
        medium(FIN_IBAN, "bankaccount", "accountnumber");
        Entry ip = new Entry(new SensitiveClass[] {NET_IPV4, NET_IPV6}, 0.9);
        for (String k : List.of("ip", "ipaddress", "ipaddr", "clientip", "remoteip", "sourceip")) {
            SIGNALS.put(k, ip);
        }
        strong(NET_IPV4, "ipv4");
        strong(NET_IPV6, "ipv6");
        strong(NET_MAC, "mac", "macaddress", "macaddr", "hwaddr", "hwaddress");
        strong(SECRET_AWS_ACCESS_KEY, "awsaccesskey", "awsaccesskeyid", "accesskeyid", "awskey");
        strong(SECRET_PRIVATE_KEY, "privatekey", "pem", "sshkey");
        strong(SECRET_JWT, "jwt", "idtoken", "bearertoken");
        strong(
                SECRET_TOKEN,
                "token",
                "apikey",
                "apitoken",
                "accesstoken",
                "refreshtoken",
                "authtoken",
                "secret",
                "secretkey",
                "clientsecret",
                "password",
                "passwd",
                "pwd",
                "credential",
                "credentials");
        // Phrases that look like signals but are not personal data: matching them consumes the
        // words.
        for (String k :
                List.of(
                        "productname",
                        "companyname",
                        "filename",
                        "hostname",
                        "username",
                        "tablename",
                        "columnname",
                        "brandname",
                        "itemname",
                        "domainname",
                        "servicename",
                        "jobname",
                        "webaddress",
                        "urladdress",
                        "nametag",
                        "pantry",
                        "cardtype",
                        "cardbrand",
                        "ipcount",
                        "mailsent",
                        "emailverified",
                        "emailsent",
                        "phonetype")) {
            SIGNALS.put(k, new Entry(new SensitiveClass[0], 0));
        }
    }

    private static void strong(SensitiveClass c, String... keys) {
        put(c, 0.9, keys);
    }

    private static void medium(SensitiveClass c, String... keys) {
        put(c, 0.6, keys);
    }

    private static void weak(SensitiveClass c, String... keys) {
        put(c, 0.4, keys);
    }

    private static void put(SensitiveClass c, double weight, String... keys) {
        Entry e = new Entry(new SensitiveClass[] {c}, weight);
        for (String k : keys) {
            SIGNALS.put(k, e);
        }
    }

    private final String columnName;
    private final List<NameSignal> signals;
    private final String phoneRegion;
    private final double[] weights = new double[SensitiveClass.values().length];

    private ColumnContext(String columnName, List<NameSignal> signals) {
        this(columnName, signals, null);
    }

    private ColumnContext(String columnName, List<NameSignal> signals, String phoneRegion) {
        this.columnName = columnName;
        this.signals = signals;
        this.phoneRegion = phoneRegion;
        for (NameSignal s : signals) {
            int i = s.sensitiveClass().ordinal();
            weights[i] = Math.max(weights[i], s.weight());
        }
    }

    /** No column information: detection from the value alone. */
    public static ColumnContext none() {
        return NONE;
    }

    public static ColumnContext of(String columnName) {
        if (columnName == null || columnName.isBlank()) {
            return NONE;
        }
        List<String> words = words(columnName);
        List<NameSignal> found = new ArrayList<>(2);
        int i = 0;
        while (i < words.size()) {
            int matchedLength = 0;
            for (int len = Math.min(MAX_WINDOW, words.size() - i); len >= 1; len--) {
                String key = String.join("", words.subList(i, i + len));
                Entry e = SIGNALS.get(key);
                if (e != null) {
                    String phrase = String.join(" ", words.subList(i, i + len));
                    for (SensitiveClass c : e.classes) {
                        found.add(new NameSignal(c, e.weight, phrase));
                    }
                    matchedLength = len;
                    break;
                }
            }
            i += Math.max(1, matchedLength);
        }
        return new ColumnContext(columnName, List.copyOf(found));
    }

    /**
     * This context with the region of the column's dataset: when it is an ISO 3166-1 alpha-2 code
     * that libphonenumber knows ({@code GB}, {@code de}), national phone numbers of that country
     * are recognized in the column first. Anything else (a cloud region such as {@code eu-west-1},
     * null) leaves the context as it is.
     */
    public ColumnContext withRegion(String region) {
        if (region == null) {
            return this;
        }
        String r = region.strip().toUpperCase(Locale.ROOT);
        if (r.length() != 2 || !PhoneNumberUtil.getInstance().getSupportedRegions().contains(r)) {
            return this;
        }
        return new ColumnContext(columnName, signals, r);
    }

    /** The column's country for national phone numbers, or null when unknown. */
    public String phoneRegion() {
        return phoneRegion;
    }

    /** The lower-case words of a column name, split as described in the class comment. */
    public static List<String> words(String columnName) {
        List<String> words = new ArrayList<>(4);
        StringBuilder word = new StringBuilder();
        int n = columnName.length();
        for (int i = 0; i < n; i++) {
            char c = columnName.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(word, words);
                continue;
            }
            if (word.length() > 0) {
                char prev = columnName.charAt(i - 1);
                boolean lowerToUpper = Character.isLowerCase(prev) && Character.isUpperCase(c);
                boolean acronymEnd =
                        Character.isUpperCase(prev)
                                && Character.isUpperCase(c)
                                && i + 1 < n
                                && Character.isLowerCase(columnName.charAt(i + 1));
                boolean digitBoundary = Character.isDigit(prev) != Character.isDigit(c);
                if (lowerToUpper || acronymEnd || digitBoundary) {
                    flush(word, words);
                }
            }
            word.append(c);
        }
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString().toLowerCase(Locale.ROOT));
            word.setLength(0);
        }
    }

    public String columnName() {
        return columnName;
    }

    /** The signals found in the column name, in the order of the words. */
    public List<NameSignal> signals() {
        return signals;
    }

    /** Whether the name signals some class other than {@code c}: {@code postal_code} for phones. */
    public boolean signalsOtherThan(SensitiveClass c) {
        for (NameSignal s : signals) {
            if (s.sensitiveClass() != c) {
                return true;
            }
        }
        return false;
    }

    /** The strongest name signal for {@code c}, 0 when the name says nothing about it. */
    public double weight(SensitiveClass c) {
        return weights[c.ordinal()];
    }

    @Override
    public String toString() {
        return "ColumnContext["
                + columnName
                + " "
                + signals
                + (phoneRegion == null ? "" : " region " + phoneRegion)
                + "]";
    }
}
