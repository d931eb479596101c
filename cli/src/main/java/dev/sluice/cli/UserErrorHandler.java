package dev.sluice.cli;

import picocli.CommandLine;

/**
 * Prints a {@link UserError} as one clear line; anything else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
            Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (exception instanceof UserError userError) {
            commandLine.getErr().println("error: " + userError.getMessage());
            return userError.exitCode();
        }
        commandLine.getErr().println("internal error (please report): " + exception);
        exception.printStackTrace(commandLine.getErr());
        return ExitCodes.INTERNAL;
    }
}
