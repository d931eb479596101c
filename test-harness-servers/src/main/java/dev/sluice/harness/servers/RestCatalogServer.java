package dev.sluice.harness.servers;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * An Iceberg REST catalog on a loopback port: Iceberg's reference server ({@code
 * RESTCatalogAdapter} behind {@code RESTCatalogServlet}, from {@code iceberg-core}'s test jar) in
 * front of a JDBC catalog on PostgreSQL, writing table metadata and data through {@code S3FileIO}
 * to an S3-compatible store. Every request must carry {@code Authorization: Bearer <token>}.
 *
 * <p>Iceberg's own {@code RESTCatalogServer} is not used: it logs all catalog properties (passwords
 * and S3 keys included) and listens on every interface.
 *
 * <p>Environment: {@code SLUICE_CATALOG_PORT} (0 picks a free one), {@code SLUICE_CATALOG_TOKEN},
 * {@code SLUICE_CATALOG_JDBC_URL}, {@code SLUICE_CATALOG_JDBC_USER}, {@code
 * SLUICE_CATALOG_JDBC_PASSWORD}, {@code SLUICE_CATALOG_WAREHOUSE} ({@code s3://bucket/path}),
 * {@code SLUICE_S3_ENDPOINT}, {@code SLUICE_S3_ACCESS_KEY}, {@code SLUICE_S3_SECRET_KEY}.
 */
public final class RestCatalogServer {
    /** The JDBC catalog keeps its tables per catalog name; clients never see it. */
    static final String BACKEND_NAME = "sluice_rest_backend";

    private RestCatalogServer() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int port = Integer.parseInt(env.getOrDefault("SLUICE_CATALOG_PORT", "0"));
        byte[] token =
                ("Bearer " + ChildServer.required(env, "SLUICE_CATALOG_TOKEN"))
                        .getBytes(StandardCharsets.UTF_8);

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CatalogProperties.CATALOG_IMPL, "org.apache.iceberg.jdbc.JdbcCatalog");
        properties.put(CatalogProperties.URI, ChildServer.required(env, "SLUICE_CATALOG_JDBC_URL"));
        properties.put("jdbc.user", ChildServer.required(env, "SLUICE_CATALOG_JDBC_USER"));
        properties.put("jdbc.password", env.getOrDefault("SLUICE_CATALOG_JDBC_PASSWORD", ""));
        properties.put("jdbc.schema-version", "V1");
        properties.put(
                CatalogProperties.WAREHOUSE_LOCATION,
                ChildServer.required(env, "SLUICE_CATALOG_WAREHOUSE"));
        properties.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
        properties.put("s3.endpoint", ChildServer.required(env, "SLUICE_S3_ENDPOINT"));
        properties.put("s3.path-style-access", "true");
        properties.put("s3.access-key-id", ChildServer.required(env, "SLUICE_S3_ACCESS_KEY"));
        properties.put("s3.secret-access-key", ChildServer.required(env, "SLUICE_S3_SECRET_KEY"));
        properties.put("client.region", "us-east-1");
        Catalog catalog = CatalogUtil.buildIcebergCatalog(BACKEND_NAME, properties, null);

        RESTCatalogAdapter adapter = new RESTCatalogAdapter(catalog);
        ServletContextHandler context =
                new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServlet(new ServletHolder(new RESTCatalogServlet(adapter)), "/*");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new BearerTokenCheck(token, context));
        server.setStopAtShutdown(false);
        server.start();
        ChildServer.serveUntilParentLeaves(
                connector.getLocalPort(),
                () -> {
                    server.stop();
                    adapter.close();
                });
    }

    /** Answers 401 with an Iceberg error body unless the request carries the bearer token. */
    private static final class BearerTokenCheck extends HandlerWrapper {
        private final byte[] expected;

        BearerTokenCheck(byte[] expected, ServletContextHandler next) {
            this.expected = expected;
            setHandler(next);
        }

        @Override
        public void handle(
                String target,
                Request baseRequest,
                HttpServletRequest request,
                HttpServletResponse response)
                throws IOException, jakarta.servlet.ServletException {
            String header = request.getHeader("Authorization");
            byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, given)) {
                baseRequest.setHandled(true);
                response.setStatus(401);
                response.setContentType("application/json");
                response.getWriter()
                        .write(
                                "{\"error\":{\"message\":\"The catalog token is missing or wrong\","
                                        + "\"type\":\"NotAuthorizedException\",\"code\":401}}");
                return;
            }
            super.handle(target, baseRequest, request, response);
        }
    }
}
