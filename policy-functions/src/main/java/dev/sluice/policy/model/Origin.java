package dev.sluice.policy.model;

/** Where something was declared: a policy file and a 1-based line and column in it. */
public record Origin(String file, int line, int column) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column : file;
    }
}
