package dev.sluice.lifecycle;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance lock of one table ({@link TriggerLockFactory}, e.g. Iceberg's {@code
 * JdbcLockFactory}) that audits what each maintenance task did. Iceberg's {@code TableMaintenance}
 * takes the lock before a task and releases it when the task has finished; at each release this
 * factory compares the table with its previous observation and writes the actions found to the
 * audit log ({@link MaintenanceAudit#changes}). Locking itself is the delegate's, unchanged.
 */
final class AuditingLockFactory implements TriggerLockFactory {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuditingLockFactory.class);

    private final TriggerLockFactory delegate;
    private final WarehouseCatalog catalog;
    private final String table;
    private final String auditFile;
    private final String context;

    AuditingLockFactory(
            TriggerLockFactory delegate,
            WarehouseCatalog catalog,
            String table,
            Path auditFile,
            String context) {
        this.delegate = delegate;
        this.catalog = catalog;
        this.table = table;
        this.auditFile = auditFile.toString();
        this.context = context;
    }

    @Override
    public void open() {
        delegate.open();
    }

    @Override
    public Lock createLock() {
        return new AuditingLock(delegate.createLock());
    }

    @Override
    public Lock createRecoveryLock() {
        return delegate.createRecoveryLock();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    private final class AuditingLock implements Lock {
        private final Lock lock;
        private final MaintenanceAudit audit = new MaintenanceAudit(Path.of(auditFile), context);
        private TableState seen;

        AuditingLock(Lock lock) {
            this.lock = lock;
            observe(); // the state before the first task, so that its actions are audited too
        }

        @Override
        public boolean tryLock() {
            return lock.tryLock();
        }

        @Override
        public boolean isHeld() {
            return lock.isHeld();
        }

        @Override
        public void unlock() {
            try {
                observe();
            } finally {
                lock.unlock();
            }
        }

        private void observe() {
            try {
                var loaded = catalog.open().loadTable(TableIdentifier.parse(table));
                TableState now = TableState.of(loaded);
                if (seen != null) {
                    audit.changes(catalog.name() + "." + table, seen, now);
                }
                seen = now;
            } catch (RuntimeException e) {
                // auditing never blocks the release of the lock
                LOG.warn("Cannot audit maintenance of {}: {}", table, e.toString());
            }
        }
    }
}
