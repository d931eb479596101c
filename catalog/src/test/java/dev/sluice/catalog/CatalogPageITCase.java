package dev.sluice.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.GateReport;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The catalog page in a real headless Chromium (the OS's {@code chromium} and {@code
 * chromium-driver}, which {@code .ci/run} installs): the repository's pipelines plus one that leaks
 * an e-mail, an audit log with gate, maintenance and drift records, served by {@link CatalogServer}
 * and rendered as a static site.
 *
 * <p>With {@code -Dsluice.catalog.screenshots=DIR} the tests save their screenshots there (the ones
 * in {@code docs/} were taken so).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogPageITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path work;

    private CatalogModel model;
    private CatalogServer server;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws IOException {
        Path sql = work.resolve("sql");
        copy(Path.of("..", "sql"), sql);
        Files.writeString(
                sql.resolve("pipelines/payments/customers_leaky.sql"),
                """
                -- @owner payments
                -- @description Customers into the warehouse, e-mail forgotten
                LOAD MODULE sluice;
                INSERT INTO warehouse.payments.customers
                SELECT id, email, mask_show_last_n(phone, 2), country, updated_at
                FROM staging.payments_customers;
                """);
        Path auditFile = work.resolve("audit/gate-decisions.jsonl");
        AuditLog audit = new AuditLog(auditFile, null);
        ObjectNode maintenance = JSON.createObjectNode();
        maintenance.put("kind", "maintenance");
        maintenance.put("time", "2026-12-06T10:00:00Z");
        maintenance.put("table", "warehouse.payments.payments");
        maintenance.put("action", "retention: deleted 12 rows older than 400d");
        audit.appendRecord(maintenance);
        ObjectNode drift = JSON.createObjectNode();
        drift.put("kind", "drift");
        drift.put("time", "2026-12-06T10:05:03Z");
        drift.put("firstSeen", "2026-12-06T10:05:01Z");
        drift.put("pipeline", "payments_to_warehouse");
        drift.put("dataset", "payments.payments");
        drift.put("column", "status");
        drift.put("class", "PII.EMAIL");
        drift.put("share", 0.04);
        drift.put("action", "quarantine");
        audit.appendRecord(drift);
        audit.append(
                new GateReport(
                        "payments_to_warehouse",
                        "sql/pipelines/payments/payments_to_warehouse.sql",
                        "0".repeat(64),
                        "payments",
                        Instant.parse("2026-12-06T09:58:00Z"),
                        List.of(),
                        Set.of("PII.EMAIL"),
                        Set.of("pii-email"),
                        Map.of(),
                        true),
                "job-start");

        model =
                CatalogModel.build(
                        CatalogModel.Sources.of(
                                sql,
                                auditFile,
                                work.resolve("no-warehouse"),
                                Variables.builder()
                                        .put(
                                                "CRM_JDBC_URL",
                                                "jdbc:postgresql://crm-db.invalid:5432/crm",
                                                false,
                                                "test")
                                        .put("CRM_USER", "growth", false, "test")
                                        .put("CRM_PASSWORD", "unused", true, "test")
                                        .build()));
        server = CatalogServer.start(model, "127.0.0.1", 0);
        browser = Chromium.start(work.resolve("chromium-profile"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void apiServesTheModel() throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(server.uri().resolve("api/catalog")).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        var json = JSON.readTree(response.body());
        assertThat(json.path("datasets").findValuesAsText("id"))
                .contains(
                        "payments.customers",
                        "warehouse.payments.customers",
                        "crm.customers",
                        "payments.cards");
        var customers =
                Stream.of(json.path("datasets"))
                        .flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false))
                        .filter(d -> d.path("id").asText().equals("payments.customers"))
                        .findFirst()
                        .orElseThrow();
        assertThat(customers.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(customers.path("retention").asText()).contains("keep 30d");
        assertThat(customers.path("owners").toString()).contains("payments");
        assertThat(json.path("drift").size()).isEqualTo(1);
    }

    @Test
    void graphRenders() {
        browser.get(server.uri().resolve("index.html").toString());
        WebElement graph = awaitGraph();
        int expected = model.datasetIds().size() + 3;
        assertThat(Integer.parseInt(graph.getDomAttribute("data-rendered-nodes")))
                .isEqualTo(expected);
        assertThat(graph.findElements(By.tagName("canvas"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#datasets tr.dataset")))
                .hasSize(model.datasetIds().size());
        screenshot("catalog-page.png");
    }

    @Test
    void clickOnASinkColumnShowsItsSourcesAndMasks() {
        browser.get(server.uri().resolve("index.html").toString());
        awaitGraph();
        browser.findElement(
                        By.cssSelector("#datasets .column[data-column='crm.customers.email_hash']"))
                .click();
        WebElement lineage = browser.findElement(By.id("lineage"));
        new WebDriverWait(browser, WAIT)
                .until(b -> !lineage.findElements(By.cssSelector("li.lineage-source")).isEmpty());
        assertThat(lineage.findElement(By.id("lineage-column")).getText())
                .isEqualTo("crm.customers.email_hash");
        List<WebElement> sources = lineage.findElements(By.cssSelector("li.lineage-source"));
        assertThat(sources.get(0).getDomAttribute("data-source"))
                .isEqualTo("payments.customers.email");
        assertThat(sources.get(0).getText()).contains("mask_hash").contains("PII.EMAIL");
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0);");
        screenshot("catalog-lineage.png");
    }

    @Test
    void clickOnAGraphNodeShowsTheDataset() {
        browser.get(server.uri().resolve("index.html").toString());
        awaitGraph();
        // where ECharts drew the node: a real mouse click on the canvas at that point
        @SuppressWarnings("unchecked")
        List<Number> at =
                (List<Number>)
                        ((JavascriptExecutor) browser)
                                .executeScript(
                                        "var c = window.sluiceGraph.chart;"
                                                + " var n = c.getOption().series[0].data.find("
                                                + "function (d) { return d.id === 'd:crm.customers'; });"
                                                + " return c.convertToPixel({seriesIndex: 0}, [n.x, n.y]);");
        WebElement graph = browser.findElement(By.id("graph"));
        int dx = at.get(0).intValue() - graph.getSize().getWidth() / 2;
        int dy = at.get(1).intValue() - graph.getSize().getHeight() / 2;
        new Actions(browser).moveToElement(graph, dx, dy).click().perform();
        new WebDriverWait(browser, WAIT)
                .until(
                        b ->
                                b.findElement(By.cssSelector("#details h2"))
                                        .getText()
                                        .equals("Dataset crm.customers"));
        assertThat(browser.findElement(By.id("dataset-details")).getText())
                .contains("analytics")
                .contains("growth");
    }

    @Test
    void aRejectedPipelineIsVisible() {
        browser.get(server.uri().resolve("index.html").toString());
        awaitGraph();
        WebElement row =
                browser.findElement(
                        By.cssSelector("#decisions tr.pipeline[data-pipeline='customers_leaky']"));
        WebElement decision = row.findElement(By.cssSelector(".decision"));
        assertThat(decision.getText()).isEqualTo("REJECT");
        assertThat(decision.getCssValue("background-color")).isEqualTo("rgba(192, 57, 43, 1)");
        assertThat(row.getText()).contains("LEAK").contains("mask_hash");
        assertThat(
                        browser.findElement(
                                        By.cssSelector(
                                                "#decisions tr.pipeline[data-pipeline='payments_to_warehouse'] .decision"))
                                .getText())
                .isEqualTo("PASS");
        assertThat(browser.findElement(By.id("drift")).getText())
                .contains("payments.payments")
                .contains("PII.EMAIL")
                .contains("quarantine");
        assertThat(browser.findElement(By.id("audit")).getText())
                .contains("maintenance")
                .contains("drift");
        ((JavascriptExecutor) browser)
                .executeScript("document.getElementById('decisions-section').scrollIntoView();");
        screenshot("catalog-decisions.png");
    }

    @Test
    void theStaticSiteOpensFromDisk() throws IOException {
        Path site = StaticSite.render(model, work.resolve("site"));
        browser.get(site.toUri().toString());
        WebElement graph = awaitGraph();
        assertThat(graph.getDomAttribute("data-rendered-nodes")).isNotBlank();
        assertThat(
                        browser.findElement(
                                        By.cssSelector(
                                                "#decisions tr.pipeline[data-pipeline='customers_leaky'] .decision"))
                                .getText())
                .isEqualTo("REJECT");
        assertThat(Files.readString(work.resolve("site/api/catalog.json"))).contains("\"lineage\"");
    }

    private WebElement awaitGraph() {
        new WebDriverWait(browser, WAIT)
                .until(
                        b ->
                                b.findElement(By.id("graph")).getDomAttribute("data-rendered-nodes")
                                        != null);
        return browser.findElement(By.id("graph"));
    }

    private void screenshot(String name) {
        String folder = System.getProperty("sluice.catalog.screenshots");
        if (folder == null || folder.isBlank()) {
            return;
        }
        try {
            Path target = Path.of(folder).resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                    target,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The OS's headless Chromium, with what a closed network needs. */
    static final class Chromium {
        private Chromium() {}

        static ChromeDriver start(Path profile) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(System.getProperty("sluice.chromium", "/usr/bin/chromium"));
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1400,1000",
                    "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service =
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(
                                    new java.io.File(
                                            System.getProperty(
                                                    "sluice.chromedriver",
                                                    "/usr/bin/chromedriver")))
                            .usingAnyFreePort()
                            .build();
            return new ChromeDriver(service, options);
        }
    }
}
