package dev.sluice.staging;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes the JSON of staged records (change event, then primary key) straight to bytes: one {@link
 * JsonGenerator} over one growing buffer, both kept from record to record. One per deserializer:
 * not thread-safe (a source reader deserializes on one thread).
 */
public final class StagingBytes {

    private final JsonFactory factory;
    private final Buffer buffer = new Buffer();
    private JsonGenerator generator;

    public StagingBytes(JsonFactory factory) {
        this.factory = factory;
    }

    /** The generator to write the next document with. */
    public JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = factory.createGenerator(buffer);
            // key and value are separate documents: no separator between root values
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /** The bytes of the document written since the last take; the buffer starts empty again. */
    public byte[] take() throws IOException {
        generator.flush();
        return buffer.take();
    }

    /**
     * How many bytes of the current document are written so far, the generator's own unflushed
     * buffer included: where the next value starts (or the last one ended).
     */
    public int position() {
        int buffered = generator.getOutputBuffered();
        if (buffered < 0) {
            throw new IllegalStateException("the JSON generator does not report its buffer");
        }
        return buffer.count + buffered;
    }

    /** Drops a half-written document: the next one starts on a fresh generator. */
    public void reset() {
        generator = null;
        buffer.count = 0;
    }

    /** A growing byte buffer, reused from record to record. */
    private static final class Buffer extends OutputStream {
        private byte[] bytes = new byte[4096];
        private int count;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, count, length);
            count += length;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }

        byte[] take() {
            byte[] taken = Arrays.copyOf(bytes, count);
            count = 0;
            return taken;
        }
    }
}
