package dev.sluice.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import net.datafaker.Faker;

/**
 * A seeded corpus of column values as they come out of operational tables (customers, orders,
 * payments, events, API clients): about a third sensitive, the rest ids, amounts, timestamps,
 * statuses and free text.
 */
final class MixedColumnCorpus {

    private MixedColumnCorpus() {}

    static String[] generate(int size, long seed) {
        Faker f = new Faker(Locale.US, new Random(seed));
        Random r = new Random(seed + 1);
        Base64.Encoder b64url = Base64.getUrlEncoder().withoutPadding();
        List<Supplier<String>> columns = new ArrayList<>();
        // customers
        columns.add(() -> Long.toString(100_000 + r.nextInt(900_000)));
        columns.add(() -> f.name().firstName());
        columns.add(() -> f.name().lastName());
        columns.add(() -> f.internet().emailAddress());
        columns.add(() -> f.phoneNumber().phoneNumber());
        columns.add(() -> f.address().streetAddress());
        columns.add(() -> f.address().city());
        columns.add(() -> f.address().zipCode());
        columns.add(() -> "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10) + "T08:15:30Z");
        columns.add(() -> r.nextBoolean() ? "active" : "suspended");
        // orders and payments
        columns.add(() -> "ORD-" + (1_000_000 + r.nextInt(9_000_000)));
        columns.add(() -> String.format(Locale.ROOT, "%.2f", r.nextDouble() * 500));
        columns.add(() -> r.nextBoolean() ? "EUR" : "USD");
        columns.add(() -> f.finance().creditCard());
        columns.add(() -> f.finance().iban());
        columns.add(() -> f.commerce().productName());
        columns.add(() -> Integer.toString(r.nextInt(20)));
        // events
        columns.add(() -> new UUID(r.nextLong(), r.nextLong()).toString());
        columns.add(() -> f.internet().ipV4Address());
        columns.add(
                () -> r.nextInt(10) == 0 ? f.internet().ipV6Address() : f.internet().macAddress());
        columns.add(() -> f.lorem().sentence());
        columns.add(() -> r.nextInt(4) + "." + r.nextInt(20) + "." + r.nextInt(10));
        columns.add(() -> Long.toString(1_700_000_000_000L + r.nextInt(1_000_000_000)));
        columns.add(() -> r.nextBoolean() ? "true" : "false");
        // API clients
        columns.add(() -> f.idNumber().ssnValid());
        columns.add(
                () -> {
                    byte[] bytes = new byte[24];
                    r.nextBytes(bytes);
                    return b64url.encodeToString(bytes);
                });
        columns.add(
                () ->
                        "eyJhbGciOiJIUzI1NiJ9."
                                + b64url.encodeToString(
                                        ("{\"sub\":\"" + f.internet().username() + "\"}")
                                                .getBytes(StandardCharsets.UTF_8))
                                + ".dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        columns.add(() -> f.internet().url());
        String[] values = new String[size];
        for (int i = 0; i < size; i++) {
            values[i] = columns.get(i % columns.size()).get();
        }
        return values;
    }
}
