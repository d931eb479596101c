package dev.sluice.catalog;

import io.javalin.Javalin;
import java.net.URI;
import java.util.Map;

/**
 * The catalog page served by an embedded HTTP server (Javalin on Jetty): the page at {@code /}, its
 * model as JSON at {@code /api/catalog} (audit and drift events as the log stands at each request)
 * and as the script {@code /catalog-data.js}. Bound to loopback unless told otherwise.
 */
public final class CatalogServer implements AutoCloseable {
    private final Javalin app;
    private final String host;

    private CatalogServer(Javalin app, String host) {
        this.app = app;
        this.host = host;
    }

    /** Starts serving {@code model} on {@code host:port} (port 0: any free port). */
    public static CatalogServer start(CatalogModel model, String host, int port) {
        Javalin app =
                Javalin.create(
                        config -> {
                            config.startup.showJavalinBanner = false;
                            config.routes.get("/", ctx -> ctx.redirect("/index.html"));
                            config.routes.get(
                                    "/api/catalog",
                                    ctx ->
                                            ctx.contentType("application/json")
                                                    .result(model.toJsonString()));
                            config.routes.get(
                                    "/catalog-data.js",
                                    ctx ->
                                            ctx.contentType("text/javascript; charset=utf-8")
                                                    .result(
                                                            CatalogWeb.dataScript(
                                                                    model.toJsonString())));
                            for (Map.Entry<String, String[]> f : CatalogWeb.FILES.entrySet()) {
                                byte[] body = CatalogWeb.read(f.getValue()[0]);
                                String type = f.getValue()[1];
                                config.routes.get(
                                        "/" + f.getKey(),
                                        ctx -> ctx.contentType(type).result(body));
                            }
                        });
        app.start(host, port);
        return new CatalogServer(app, host);
    }

    public int port() {
        return app.port();
    }

    /** The address of the page, e.g. {@code http://127.0.0.1:43210/}. */
    public URI uri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/");
    }

    @Override
    public void close() {
        app.stop();
    }
}
