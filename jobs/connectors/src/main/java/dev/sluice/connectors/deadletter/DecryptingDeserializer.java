package dev.sluice.connectors.deadletter;

import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.StagingDecryptor;
import dev.sluice.stagingkeys.SubjectKeys;
import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Decrypts the encrypted columns of a staged change event before the wrapped decoder reads it
 * ({@link StagingDecryptor}): a column whose subject's key was destroyed reads NULL and the row's
 * {@code _shredded} column (when the table declares one) reads true. Opens the key store and reads
 * the master key at {@link #open}: a missing one fails the job at start, naming it. A key store
 * that fails later fails the job (and Flink restarts it) rather than skipping records.
 */
final class DecryptingDeserializer implements DeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<RowData> inner;
    private final KeyStoreSettings settings;
    private transient SubjectKeys keys;
    private transient StagingDecryptor decryptor;

    DecryptingDeserializer(DeserializationSchema<RowData> inner, KeyStoreSettings settings) {
        this.inner = inner;
        this.settings = settings;
    }

    @Override
    public void open(InitializationContext context) throws Exception {
        keys = settings.open();
        decryptor = new StagingDecryptor(keys);
        inner.open(context);
    }

    @Override
    public RowData deserialize(byte[] message) throws IOException {
        return inner.deserialize(decrypt(message));
    }

    @Override
    public void deserialize(byte[] message, Collector<RowData> out) throws IOException {
        inner.deserialize(decrypt(message), out);
    }

    private byte[] decrypt(byte[] message) throws IOException {
        try {
            return decryptor.decryptEvent(message);
        } catch (IOException e) {
            return message; // not JSON: the wrapped decoder reports it (dead letter)
        }
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return inner.isEndOfStream(nextElement);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return inner.getProducedType();
    }
}
