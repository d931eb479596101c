package dev.sluice.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The catalog page as a static site (for CI artifacts): the page, its script, style and graph
 * library, the model as {@code catalog-data.js} and as {@code api/catalog.json}. Opens from disk.
 */
public final class StaticSite {
    private StaticSite() {}

    /** Writes the site into {@code folder} (created if needed); returns the page's path. */
    public static Path render(CatalogModel model, Path folder) throws IOException {
        Files.createDirectories(folder.resolve("api"));
        for (Map.Entry<String, String[]> f : CatalogWeb.FILES.entrySet()) {
            Files.write(folder.resolve(f.getKey()), CatalogWeb.read(f.getValue()[0]));
        }
        String json = model.toJsonString();
        Files.writeString(
                folder.resolve("api").resolve("catalog.json"), json, StandardCharsets.UTF_8);
        Files.writeString(
                folder.resolve("catalog-data.js"),
                CatalogWeb.dataScript(json),
                StandardCharsets.UTF_8);
        return folder.resolve("index.html");
    }
}
