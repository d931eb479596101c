package dev.sluice.cli;

/** Exit codes of every {@code sluice} command, stable so that CI scripts can rely on them. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;

    /** Input was rejected: a file, an option or a pipeline did not pass a check. */
    public static final int INVALID = 1;

    /** Wrong usage: an unknown option or a missing argument (picocli's own code). */
    public static final int USAGE = 2;

    /** An external system (database, broker, cluster) could not be reached or failed. */
    public static final int UNAVAILABLE = 3;

    /** {@code sluice forget --verify} found identifier values where none should be. */
    public static final int VERIFY_HITS = 4;

    /** A bug: an unexpected exception. */
    public static final int INTERNAL = 70;

    private ExitCodes() {}
}
