package dev.sluice.lifecycle;

import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.flink.maintenance.api.JdbcLockFactory;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/**
 * Where maintenance locks live: a JDBC database (the embedded PostgreSQL by default), one lock per
 * table, shared by the long-running job, {@code --once} runs and row retention, so that two
 * maintenance runs never work on one table at once. Properties may hold secrets ({@code
 * jdbc.password}): never log them.
 */
public record MaintenanceLock(String jdbcUrl, Map<String, String> properties)
        implements Serializable {

    /** Iceberg's JdbcLockFactory creates its lock table when this is true. */
    static final String INIT_LOCK_TABLES = "flink-maintenance.lock.jdbc.init-lock-tables";

    public MaintenanceLock {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException(
                    "Invalid maintenance lock database: '"
                            + jdbcUrl
                            + "'. Give a JDBC URL such as"
                            + " jdbc:postgresql://db:5432/sluice (--lock-jdbc-url).");
        }
        Map<String, String> p = new LinkedHashMap<>(properties);
        // the operators of a job open their locks at once, and concurrent CREATE TABLEs clash:
        // prepare() creates the table once, before any job starts
        p.put(INIT_LOCK_TABLES, "false");
        properties = Map.copyOf(p);
    }

    /** Creates the lock table if missing (Iceberg's own DDL), once, before jobs use the locks. */
    public void prepare() throws IOException {
        Map<String, String> init = new LinkedHashMap<>(properties);
        init.put(INIT_LOCK_TABLES, "true");
        TriggerLockFactory factory = new JdbcLockFactory(jdbcUrl, "sluice:prepare", init);
        factory.open();
        factory.close();
    }

    /** The lock of one table; its id names the table, so every job and run agrees on it. */
    public TriggerLockFactory forTable(String qualifiedTable) {
        return new JdbcLockFactory(jdbcUrl, "sluice:" + qualifiedTable, properties);
    }
}
