package dev.sluice.policy.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * International bank account numbers: a registered country code, the length registered for that
 * country, two check digits and an alphanumeric account part whose ISO 7064 mod-97 check holds.
 * Compact ({@code GB82WEST12345698765432}) or printed in groups of four separated by single spaces.
 */
final class IbanDetector implements ValueDetector {

    /** IBAN lengths per country (SWIFT IBAN registry). */
    private static final Map<String, Integer> LENGTHS = new HashMap<>();

    static {
        String table =
                "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24"
                        + " DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18"
                        + " GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32"
                        + " LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18"
                        + " NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19"
                        + " SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30";
        for (String entry : table.split(" ")) {
            LENGTHS.put(entry.substring(0, 2), Integer.parseInt(entry.substring(2)));
        }
    }

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.FIN_IBAN;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        int compactLength = shape.length - shape.spaces;
        if (compactLength < 15
                || compactLength > 34
                || shape.digits < 2
                || !shape.onlyOf(ValueShape.DIGIT | ValueShape.UPPER | ValueShape.SPACE)) {
            return 0;
        }
        Integer expected = LENGTHS.get(v.substring(0, 2));
        if (expected == null || expected != compactLength) {
            return 0;
        }
        if (!isDigit(v.charAt(2)) || !isDigit(v.charAt(3))) {
            return 0;
        }
        if (shape.spaces > 0 && !groupsOfFour(v)) {
            return 0;
        }
        return mod97(v) == 1 ? 0.97 : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean groupsOfFour(String v) {
        int run = 0;
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) == ' ') {
                if (run != 4) {
                    return false;
                }
                run = 0;
            } else {
                run++;
            }
        }
        return run >= 1 && run <= 4;
    }

    /** The remainder of the rearranged IBAN (account part first, letters as 10..35) modulo 97. */
    private static int mod97(String v) {
        int n = v.length();
        int remainder = 0;
        for (int k = 0; k < n; k++) {
            char c = v.charAt((k + 4) % n);
            if (c == ' ') {
                continue;
            }
            if (isDigit(c)) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }
        return remainder;
    }
}
