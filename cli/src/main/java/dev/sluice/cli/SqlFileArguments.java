package dev.sluice.cli;

import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Resolves the SQL file and catalog folder arguments of the commands. */
final class SqlFileArguments {
    static final String DEFAULT_CATALOG = "sql/catalog";

    private SqlFileArguments() {}

    /** Files as given, folders expanded to their {@code *.sql} files (recursively, sorted). */
    static List<Path> expand(List<Path> arguments) {
        List<Path> files = new ArrayList<>();
        for (Path argument : arguments) {
            if (Files.isDirectory(argument)) {
                try (Stream<Path> walk = Files.walk(argument)) {
                    walk.filter(p -> p.getFileName().toString().endsWith(".sql"))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new UserError("Cannot list folder " + argument + ": " + e.getMessage());
                }
            } else {
                files.add(argument);
            }
        }
        return files;
    }

    /**
     * The catalog folder: {@code --catalog} if given (it must exist), else {@value
     * #DEFAULT_CATALOG} if it exists, else none.
     */
    static Path catalogFolder(Path option) {
        if (option != null) {
            if (!Files.isDirectory(option)) {
                throw new UserError(
                        "Invalid --catalog: "
                                + option
                                + " is not a folder. Give the folder of the shared table"
                                + " definitions (*.sql), e.g. --catalog sql/catalog.",
                        ExitCodes.USAGE,
                        null);
            }
            return option;
        }
        Path fallback = Path.of(DEFAULT_CATALOG);
        return Files.isDirectory(fallback) ? fallback : null;
    }

    static List<String> catalogFiles(Path folder) {
        if (folder == null) {
            return List.of();
        }
        try {
            return SqlFiles.listCatalog(folder.toString());
        } catch (SqlFileException e) {
            throw new UserError(e.describe());
        }
    }

    static boolean isInside(Path file, Path folder) {
        return folder != null
                && file.toAbsolutePath()
                        .normalize()
                        .startsWith(folder.toAbsolutePath().normalize());
    }
}
