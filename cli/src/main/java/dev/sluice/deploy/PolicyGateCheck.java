package dev.sluice.deploy;

import dev.sluice.gate.AuditLog;
import dev.sluice.gate.GateCheck;
import dev.sluice.gate.GateReport;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The policy gate as a {@link PipelineCheck} of {@code sluice deploy render}: the pipeline is
 * planned offline against the catalog and policy of its own {@code sql/} folder ({@code
 * sql/catalog}, {@code sql/policy}; {@code SLUICE_POLICY} overrides the policy). Without a policy
 * it refuses: rendering unchecked is what a missing gate looks like.
 */
public final class PolicyGateCheck implements PipelineCheck {

    /** Stand-ins for the catalog's external systems, as in {@code sluice validate}. */
    private static final Map<String, String> OFFLINE =
            Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "ICEBERG_CATALOG_TYPE", "hadoop");

    @Override
    public String name() {
        return "policy gate";
    }

    @Override
    public Verdict check(Path sqlFile) {
        return check(sqlFile, java.util.Set.of());
    }

    @Override
    public Verdict check(Path sqlFile, java.util.Set<String> secretVariables) {
        Path root = sqlRoot(sqlFile.toAbsolutePath().normalize());
        String override = System.getenv("SLUICE_POLICY");
        Path policy =
                override != null && !override.isBlank()
                        ? Path.of(override)
                        : root == null ? null : root.resolve("policy");
        if (policy == null || !Files.exists(policy)) {
            return new Verdict(
                    List.of(
                            sqlFile
                                    + ": no policy found ("
                                    + (policy == null ? "no sql/ folder above the file" : policy)
                                    + "). Add sql/policy/*.yaml or set SLUICE_POLICY to a policy"
                                    + " file or folder."),
                    java.util.Set.of());
        }
        Path warehouse = null;
        try {
            warehouse = Files.createTempDirectory("sluice-gate-warehouse");
            List<SourceText> catalog = new ArrayList<>();
            Path catalogFolder = root == null ? null : root.resolve("catalog");
            if (catalogFolder != null && Files.isDirectory(catalogFolder)) {
                catalog.addAll(SqlFiles.readCatalog(catalogFolder.toString()));
            }
            Variables.Builder standIns = Variables.builder();
            OFFLINE.forEach((k, v) -> standIns.put(k, v, false, "policy gate (offline stand-in)"));
            standIns.put(
                    "ICEBERG_WAREHOUSE",
                    warehouse.toUri().toString(),
                    false,
                    "policy gate (offline stand-in)");
            Variables variables =
                    Variables.builder()
                            .environment(System.getenv(), secretVariables)
                            .build()
                            .with(standIns.build());
            GateCheck gate = GateCheck.of(List.of(policy.toString()), AuditLog.fromEnvironment());
            GateReport report =
                    gate.check(
                            PipelineLoader.load(catalog, SqlFiles.read(sqlFile), variables),
                            "deploy");
            return new Verdict(
                    report.findings().stream()
                            .map(f -> redact(f.describe(), secretVariables))
                            .toList(),
                    report.classesWritten());
        } catch (PolicyException e) {
            return new Verdict(
                    List.of(redact(e.getMessage(), secretVariables)), java.util.Set.of());
        } catch (SqlFileException e) {
            return new Verdict(List.of(redact(e.describe(), secretVariables)), java.util.Set.of());
        } catch (PipelineException e) {
            return new Verdict(
                    e.problems().stream().map(p -> redact(p.describe(), secretVariables)).toList(),
                    java.util.Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (warehouse != null) {
                try (Stream<Path> walk = Files.walk(warehouse)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    // a leftover temp folder is harmless
                }
            }
        }
    }

    /** Problems quote values: the secret variables' among them are hidden. */
    private static String redact(String text, java.util.Set<String> secretVariables) {
        return Variables.builder()
                .environment(System.getenv(), secretVariables)
                .build()
                .redact(text);
    }

    private static Path sqlRoot(Path file) {
        for (Path p = file.getParent(); p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("sql")) {
                return p;
            }
        }
        return null;
    }
}
