package dev.sluice.harness.servers;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * An S3-compatible object store (s3proxy over jclouds' filesystem backend) on a loopback port,
 * serving the buckets under one folder with path-style addressing and AWS v2/v4 signatures checked
 * against one access key. Runs as a child JVM; see {@link ChildServer} for the protocol.
 *
 * <p>Environment: {@code SLUICE_S3_FOLDER}, {@code SLUICE_S3_PORT} (0 picks a free one), {@code
 * SLUICE_S3_BUCKETS} (comma-separated, created if missing), {@code SLUICE_S3_ACCESS_KEY}, {@code
 * SLUICE_S3_SECRET_KEY}.
 */
public final class ObjectStoreServer {
    private ObjectStoreServer() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path folder = Path.of(ChildServer.required(env, "SLUICE_S3_FOLDER"));
        int port = Integer.parseInt(env.getOrDefault("SLUICE_S3_PORT", "0"));
        Files.createDirectories(folder);

        Properties properties = new Properties();
        properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, folder.toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem")
                        .overrides(properties)
                        .build(BlobStoreContext.class);
        BlobStore blobStore = context.getBlobStore();
        for (String bucket : env.getOrDefault("SLUICE_S3_BUCKETS", "").split(",")) {
            if (!bucket.isBlank()) {
                blobStore.createContainerInLocation(null, bucket.trim());
            }
        }
        S3Proxy proxy =
                S3Proxy.builder()
                        .blobStore(blobStore)
                        .endpoint(URI.create("http://127.0.0.1:" + port))
                        .awsAuthentication(
                                AuthenticationType.AWS_V2_OR_V4,
                                ChildServer.required(env, "SLUICE_S3_ACCESS_KEY"),
                                ChildServer.required(env, "SLUICE_S3_SECRET_KEY"))
                        .build();
        proxy.start(); // Jetty's start returns once the connector listens, or throws
        if (!"STARTED".equals(proxy.getState())) {
            ChildServer.fail(
                    "s3proxy did not start on 127.0.0.1:" + port + ": " + proxy.getState());
        }
        ChildServer.serveUntilParentLeaves(
                proxy.getPort(),
                () -> {
                    proxy.stop();
                    context.close();
                });
    }
}
