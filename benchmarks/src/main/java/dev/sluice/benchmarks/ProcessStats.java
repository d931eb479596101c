package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and resident size of a process tree from {@code /proc} (Linux): the benchmark's own JVM
 * (Flink, Kafka and the benchmark itself), and PostgreSQL (the postmaster and its backends).
 */
final class ProcessStats {

    /** Linux's clock ticks per second for {@code /proc/<pid>/stat} times. */
    private static final double TICKS = 100.0;

    private ProcessStats() {}

    /**
     * CPU seconds (user + system) of the process, its live children and the children it has reaped
     * (PostgreSQL's ended backends).
     */
    static double cpuSeconds(long pid) {
        double total = 0;
        for (long p : tree(pid)) {
            String[] fields = stat(p);
            if (fields != null) {
                total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
                if (p == pid) {
                    total += (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS;
                }
            }
        }
        return total;
    }

    /** CPU seconds of this JVM alone (not its child processes). */
    static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    /**
     * Resident set size in MB of the process and its live children, summed (PostgreSQL's shared
     * buffers count once per backend that touched them, so its sum overstates).
     */
    static double rssMegabytes(long pid) {
        double kb = 0;
        for (long p : tree(pid)) {
            try {
                for (String line :
                        Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended meanwhile
            }
        }
        return kb / 1024;
    }

    /** The first load average of {@code /proc/loadavg}, all three as text. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double loadAverage1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static List<Long> tree(long root) {
        List<Long> pids = new ArrayList<>();
        pids.add(root);
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(path -> path.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .forEach(
                            name -> {
                                long pid = Long.parseLong(name);
                                String[] fields = stat(pid);
                                if (fields != null && Long.parseLong(fields[1]) == root) {
                                    pids.add(pid);
                                }
                            });
        } catch (IOException e) {
            // no /proc: the root only
        }
        return pids;
    }

    /** The fields of /proc/pid/stat after the command name: [0] = state, [1] = ppid, ... */
    private static String[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
