package dev.sluice.policy.detect;

/**
 * MAC-48 addresses: six pairs of hex digits separated by one kind of {@code :} or {@code -}, or
 * three groups of four separated by dots ({@code 0011.2233.4455}).
 */
final class MacAddressDetector implements ValueDetector {

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.NET_MAC;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.hexLetters != shape.letters() || shape.digits + shape.letters() != 12) {
            return 0;
        }
        if (shape.length == 17 && (shape.colons == 5 || shape.dashes == 5)) {
            return groups(v, 2, v.charAt(2)) ? 0.9 : 0;
        }
        if (shape.length == 14 && shape.dots == 2) {
            return groups(v, 4, '.') ? 0.85 : 0;
        }
        return 0;
    }

    private static boolean groups(String v, int size, char separator) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean separatorPosition = (i + 1) % (size + 1) == 0;
            if (separatorPosition ? c != separator : !hex(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
