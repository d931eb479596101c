package dev.sluice.cli;

import dev.sluice.policy.model.PolicyException;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.SqlFileException;
import picocli.CommandLine;

/**
 * Prints a {@link UserError} as one clear message; a problem in the files that escaped its command
 * (a located SQL or policy problem) likewise. Anything else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
            Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        String message = userMessage(exception);
        if (message != null) {
            commandLine.getErr().println("error: " + message);
            commandLine.getErr().flush();
            return exception instanceof UserError userError
                    ? userError.exitCode()
                    : ExitCodes.INVALID;
        }
        commandLine.getErr().println("internal error (please report): " + exception);
        exception.printStackTrace(commandLine.getErr());
        commandLine.getErr().flush();
        return ExitCodes.INTERNAL;
    }

    private static String userMessage(Exception exception) {
        if (exception instanceof UserError) {
            return exception.getMessage();
        }
        if (exception instanceof SqlFileException e) {
            return e.describe();
        }
        if (exception instanceof PipelineException || exception instanceof PolicyException) {
            return exception.getMessage();
        }
        return null;
    }
}
