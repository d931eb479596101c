package dev.sluice.warehouselock;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;

/**
 * A process committing to one table of a folder warehouse: {@code main(warehouse, table, name,
 * commits, lock)} appends {@code commits} data files named after {@code name}, one per commit,
 * through a Hadoop catalog with or without {@link FolderCommitLock}.
 */
public final class CommitWorker {
    private CommitWorker() {}

    public static void main(String[] args) throws Exception {
        String warehouse = args[0];
        TableIdentifier id = TableIdentifier.parse(args[1]);
        String name = args[2];
        int commits = Integer.parseInt(args[3]);
        boolean lock = Boolean.parseBoolean(args[4]);
        Map<String, String> properties = new HashMap<>();
        properties.put("warehouse", warehouse);
        if (lock) {
            properties = FolderCommitLock.withLock(properties);
        }
        try (HadoopCatalog catalog = new HadoopCatalog()) {
            catalog.setConf(new Configuration());
            catalog.initialize("warehouse", properties);
            Table table = catalog.loadTable(id);
            for (int i = 0; i < commits; i++) {
                DataFile file =
                        DataFiles.builder(PartitionSpec.unpartitioned())
                                .withPath(table.location() + "/data/" + name + "-" + i + ".parquet")
                                .withFileSizeInBytes(100)
                                .withRecordCount(1)
                                .withFormat("parquet")
                                .build();
                table.newAppend().appendFile(file).commit();
            }
        }
        System.out.println("committed " + commits);
    }
}
