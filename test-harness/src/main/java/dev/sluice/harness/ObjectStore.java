package dev.sluice.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An S3-compatible object store on a random loopback port: s3proxy over a local folder, path-style
 * addressing, requests signed with an access key made for this run. Runs in a child JVM ({@link
 * ServerProcess}); {@link #close()} stops it and removes the folder.
 */
public final class ObjectStore implements AutoCloseable {
    /** Region for the AWS SDK's signer; s3proxy accepts any. */
    public static final String REGION = "us-east-1";

    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(60);

    /**
     * AWS SDK v2 (2.30 and later) adds CRC checksums with a streaming trailer to every upload,
     * which s3proxy 2.6 cannot verify ("x-amz-content-sha256 header does not match"); S3 and most
     * other stores accept either. The SDK reads these as system properties or, upper case with
     * underscores, as environment variables.
     */
    public static final Map<String, String> SDK_CHECKSUM_SETTINGS =
            Map.of(
                    "aws.requestChecksumCalculation", "when_required",
                    "aws.responseChecksumValidation", "when_required");

    private final Path folder;
    private final ServerProcess server;
    private final String accessKey;
    private final String secretKey;
    private final List<String> buckets;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ObjectStore(
            Path folder,
            ServerProcess server,
            String accessKey,
            String secretKey,
            List<String> buckets) {
        this.folder = folder;
        this.server = server;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.buckets = buckets;
    }

    /** Starts a store under {@code workDir/object-store} holding the given (empty) buckets. */
    public static ObjectStore start(Path workDir, String... buckets) throws IOException {
        Path folder = Files.createDirectories(workDir.resolve("object-store"));
        // for the S3 clients of this JVM (Flink's local cluster, the tests, the demo)
        SDK_CHECKSUM_SETTINGS.forEach(
                (key, value) -> {
                    if (System.getProperty(key) == null) {
                        System.setProperty(key, value);
                    }
                });
        String accessKey = "sluice-" + randomHex(8);
        String secretKey = randomHex(24);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_S3_FOLDER", folder.resolve("data").toString());
        env.put("SLUICE_S3_BUCKETS", String.join(",", buckets));
        env.put("SLUICE_S3_ACCESS_KEY", accessKey);
        env.put("SLUICE_S3_SECRET_KEY", secretKey);
        try {
            ServerProcess server =
                    ServerProcess.start(
                            "object store (s3proxy)",
                            "ObjectStoreServer",
                            env,
                            folder.resolve("server.log"),
                            STARTUP_DEADLINE,
                            List.of(secretKey));
            return new ObjectStore(folder, server, accessKey, secretKey, List.of(buckets));
        } catch (IOException | RuntimeException e) {
            try {
                Folders.delete(folder);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    public String accessKey() {
        return accessKey;
    }

    /** A secret: never log it. */
    public String secretKey() {
        return secretKey;
    }

    public List<String> buckets() {
        return buckets;
    }

    /** The local folder a bucket's objects are stored in (one file per object). */
    public Path bucketFolder(String bucket) {
        return folder.resolve("data").resolve(bucket);
    }

    /**
     * Iceberg {@code S3FileIO} properties for this store: endpoint, path-style access, region and
     * keys. Holds the secret key: never log it.
     */
    public Map<String, String> s3FileIoProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        properties.put("s3.endpoint", endpoint());
        properties.put("s3.path-style-access", "true");
        properties.put("s3.access-key-id", accessKey);
        properties.put("s3.secret-access-key", secretKey);
        properties.put("client.region", REGION);
        return properties;
    }

    public String describe() {
        return "S3-compatible object store (s3proxy) at "
                + endpoint()
                + ", path-style, buckets "
                + String.join(", ", buckets);
    }

    /** Stops the server and removes its folder. Safe to call twice. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            Folders.delete(folder);
        }
    }

    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
