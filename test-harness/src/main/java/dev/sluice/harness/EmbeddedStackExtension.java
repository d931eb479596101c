package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link EmbeddedStack} for a test class and stops it after the last test; its folder
 * under {@code java.io.tmpdir} is removed either way:
 *
 * <pre>{@code
 * @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();
 * }</pre>
 */
public final class EmbeddedStackExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedStack.Warehouse warehouse;
    private Path workDir;
    private EmbeddedStack stack;

    /** The stack with a folder warehouse. */
    public EmbeddedStackExtension() {
        this(EmbeddedStack.Warehouse.FOLDER);
    }

    /** The stack with the given warehouse, e.g. {@code REST} on the object store. */
    public EmbeddedStackExtension(EmbeddedStack.Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("sluice-stack-");
        stack = EmbeddedStack.start(workDir, warehouse);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            stack = null;
            if (workDir != null) {
                Folders.delete(workDir);
            }
        }
    }

    /** The running stack; only between {@code beforeAll} and {@code afterAll}. */
    public EmbeddedStack stack() {
        if (stack == null) {
            throw new IllegalStateException(
                    "The embedded stack runs only between beforeAll and afterAll: register the"
                            + " extension on a static field with @RegisterExtension.");
        }
        return stack;
    }
}
