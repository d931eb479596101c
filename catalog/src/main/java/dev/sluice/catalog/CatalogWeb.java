package dev.sluice.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's files, all from the class path: the page itself, its script and style, and the graph
 * library (Apache ECharts, from its webjar; no CDN). The model reaches the page as {@code
 * catalog-data.js}, which sets {@code window.SLUICE_CATALOG}: the same page works served (it then
 * also polls {@code api/catalog}) and as a static site opened from disk.
 */
final class CatalogWeb {
    static final String ECHARTS =
            "META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";

    /** Page path -> (class path resource, content type). */
    static final Map<String, String[]> FILES =
            Map.of(
                    "index.html",
                    new String[] {"dev/sluice/catalog/web/index.html", "text/html; charset=utf-8"},
                    "catalog.js",
                    new String[] {
                        "dev/sluice/catalog/web/catalog.js", "text/javascript; charset=utf-8"
                    },
                    "catalog.css",
                    new String[] {"dev/sluice/catalog/web/catalog.css", "text/css; charset=utf-8"},
                    "echarts.min.js",
                    new String[] {ECHARTS, "text/javascript; charset=utf-8"});

    private CatalogWeb() {}

    static byte[] read(String resource) {
        try (InputStream in = CatalogWeb.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The catalog page's file "
                                + resource
                                + " is not on the class path; rebuild the catalog module.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script that hands the model to the page. */
    static String dataScript(String json) {
        // "</" would end a script element early if the page ever inlines it
        return "window.SLUICE_CATALOG = " + json.replace("</", "<\\/") + ";\n";
    }

    private static String echartsVersion() {
        try (InputStream in =
                CatalogWeb.class
                        .getClassLoader()
                        .getResourceAsStream(
                                "META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            if (in == null) {
                return "5.3.1";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "5.3.1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
