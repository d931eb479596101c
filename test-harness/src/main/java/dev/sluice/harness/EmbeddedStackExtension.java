package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link EmbeddedStack} for a test class and stops it after the last test:
 *
 * <pre>{@code
 * @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();
 * }</pre>
 */
public final class EmbeddedStackExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedStack stack;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path workDir = Files.createTempDirectory("sluice-stack-");
        stack = EmbeddedStack.start(workDir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    public EmbeddedStack stack() {
        if (stack == null) {
            throw new IllegalStateException(
                    "The embedded stack runs only between beforeAll and afterAll");
        }
        return stack;
    }
}
