package dev.sluice.cli;

import picocli.CommandLine;

/** Reads the version Maven wrote into the jar manifest. */
final class SluiceVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = SluiceVersion.class.getPackage().getImplementationVersion();
        return new String[] {"sluice " + (version == null ? "(development build)" : version)};
    }
}
