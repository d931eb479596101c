package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedStackITCase {

    @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

    @Test
    void postgresRunsOnARandomLoopbackPortWithLogicalReplication() throws Exception {
        PostgresServer postgres = STACK.stack().postgres();
        postgres.createDatabase("shop");

        assertThat(postgres.port()).isNotEqualTo(5432);
        try (Connection connection = postgres.connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
            statement.execute("CREATE PUBLICATION items_pub FOR TABLE items");
            try (ResultSet slot =
                    statement.executeQuery(
                            "SELECT slot_name FROM pg_create_logical_replication_slot('t', 'pgoutput')")) {
                assertThat(slot.next()).isTrue();
            }
            statement.execute("SELECT pg_drop_replication_slot('t')");
        }
    }

    @Test
    void kafkaReadCommittedSeesCommittedTransactionsOnly() throws Exception {
        KafkaBroker kafka = STACK.stack().kafka();
        kafka.createTopics(2, "orders");
        Map<String, Object> settings =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "harness-test-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k1", "committed-1"));
            producer.send(new ProducerRecord<>("orders", "k2", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k3", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }

        List<KafkaBroker.Record> records = kafka.readCommitted("orders", Duration.ofSeconds(30));

        assertThat(records)
                .extracting(KafkaBroker.Record::value)
                .containsExactlyInAnyOrder("committed-1", "committed-2");
    }

    @Test
    void icebergWarehouseCreatesWritesAndReadsTables() throws Exception {
        IcebergWarehouse warehouse = STACK.stack().iceberg();
        ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("shop"));
        Schema schema =
                new Schema(
                        Types.NestedField.required(1, "id", Types.LongType.get()),
                        Types.NestedField.optional(2, "name", Types.StringType.get()));
        TableIdentifier id = TableIdentifier.of("shop", "items");
        Table table = warehouse.catalog().createTable(id, schema, PartitionSpec.unpartitioned());

        OutputFile file =
                table.io()
                        .newOutputFile(table.locationProvider().newDataLocation("items-1.parquet"));
        DataWriter<Record> writer =
                new GenericAppenderFactory(schema)
                        .newDataWriter(
                                org.apache.iceberg.encryption.EncryptedFiles.plainAsEncryptedOutput(
                                        file),
                                FileFormat.PARQUET,
                                null);
        try (writer) {
            for (long i = 1; i <= 3; i++) {
                GenericRecord record = GenericRecord.create(schema);
                record.setField("id", i);
                record.setField("name", "item-" + i);
                writer.write(record);
            }
        }
        DataFile dataFile = writer.toDataFile();
        table.newAppend().appendFile(dataFile).commit();

        assertThat(warehouse.tableExists(id)).isTrue();
        assertThat(warehouse.rowCount(id)).isEqualTo(3);
        assertThat(warehouse.rows(id)).contains(Map.of("id", 2L, "name", "item-2"));
        assertThat(warehouse.flinkCatalogOptions())
                .containsEntry("type", "iceberg")
                .containsEntry("catalog-type", "hadoop")
                .containsKey("warehouse");
    }

    @Test
    void closingTheStackStopsEveryComponentAndRemovesItsFolder() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-stack-close-");
        EmbeddedStack stack = EmbeddedStack.start(workDir);
        int postgresPort = stack.postgres().port();
        String[] kafka = stack.kafka().bootstrapServers().split(":");

        stack.close();

        assertThat(workDir).doesNotExist();
        assertRefused(postgresPort);
        assertRefused(Integer.parseInt(kafka[1]));
        assertThatThrownBy(() -> stack.postgres().connect("postgres"))
                .isInstanceOf(java.sql.SQLException.class);
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(
                        () -> {
                            try (Socket socket = new Socket()) {
                                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                            }
                        })
                .as("port %d must be closed", port)
                .isInstanceOf(java.io.IOException.class);
    }
}
