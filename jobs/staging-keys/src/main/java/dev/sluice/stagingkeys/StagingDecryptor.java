package dev.sluice.stagingkeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decrypts staged change events: in the {@code before} and {@code after} rows, every value that is
 * an encryption token becomes the value it encrypts; when the subject's key was destroyed it
 * becomes NULL and the row gets {@code "_shredded": true} ({@code false} on rows that held
 * encrypted values and decrypted). Rows without encrypted values are left as they are.
 */
public final class StagingDecryptor {

    /** The marker column: true on a row whose encrypted columns were shredded. */
    public static final String SHREDDED = "_shredded";

    private static final byte[] PREFIX = SubjectKeys.TOKEN_PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SubjectKeys keys;

    public StagingDecryptor(SubjectKeys keys) {
        this.keys = keys;
    }

    /** A whole event (JSON bytes); the same array when it holds no encrypted value. */
    public byte[] decryptEvent(byte[] value) throws IOException {
        if (value == null || !contains(value, PREFIX)) {
            return value;
        }
        JsonNode event = JSON.readTree(value);
        if (!event.isObject()) {
            return value;
        }
        for (String side : List.of("before", "after")) {
            if (event.get(side) instanceof ObjectNode row) {
                decryptRow(row);
            }
        }
        return JSON.writeValueAsBytes(event);
    }

    /**
     * Decrypts one row in place. Returns true when it held a value of a destroyed key (now NULL).
     */
    public boolean decryptRow(ObjectNode row) throws IOException {
        boolean encrypted = false;
        boolean shredded = false;
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isTextual() && SubjectKeys.isToken(field.getValue().textValue())) {
                names.add(field.getKey());
            }
        }
        for (String column : names) {
            encrypted = true;
            Optional<byte[]> plain = keys.decrypt(column, row.get(column).textValue());
            if (plain.isPresent()) {
                row.set(column, JSON.readTree(plain.get()));
            } else {
                row.putNull(column);
                shredded = true;
            }
        }
        if (encrypted) {
            row.put(SHREDDED, shredded);
        }
        return shredded;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
