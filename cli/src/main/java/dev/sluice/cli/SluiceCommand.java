package dev.sluice.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code sluice} command line: one command per verb, each with {@code --help}.
 *
 * <p>Exit codes are shared by every command: see {@link ExitCodes}.
 */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = SluiceVersion.class,
        description =
                "Realtime, self-serve data pipelines on Apache Flink with enforced data policy.",
        subcommands = {
            DemoCommand.class,
            IngestCommand.class,
            ValidateCommand.class,
            RunCommand.class,
            SubmitCommand.class,
            JobsCommand.class,
            CancelCommand.class,
            DeployCommand.class,
            ClassifyCommand.class,
            KeysCommand.class,
            AuditCommand.class,
            MaintainCommand.class,
            ForgetCommand.class,
            CatalogCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SluiceCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting the JVM; tests call this. */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** Runs the command line with its output and errors going to the given writers (tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new SluiceCommand());
        commandLine.setExecutionExceptionHandler(new UserErrorHandler());
        // everything printed passes the secrets the command learns of, and URL/JAAS credentials
        OutputSecrets secrets = new OutputSecrets();
        commandLine.setOut(
                new PrintWriter(
                        secrets.redacting(
                                out != null
                                        ? out
                                        : new OutputStreamWriter(
                                                System.out, Charset.defaultCharset())),
                        true));
        commandLine.setErr(
                new PrintWriter(
                        secrets.redacting(
                                err != null
                                        ? err
                                        : new OutputStreamWriter(
                                                System.err, Charset.defaultCharset())),
                        true));
        OutputSecrets.install(secrets);
        try {
            return commandLine.execute(args);
        } finally {
            OutputSecrets.install(null);
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
