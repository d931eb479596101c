package dev.sluice.cli;

/**
 * A problem the user can fix: printed as one message (what, where, how to fix) without a stack
 * trace, and mapped to an exit code.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, ExitCodes.INVALID, null);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
