package org.asr3m.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.worker.testsupport.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code asr3m.artifacts.*} properties select and configure the one store bean. */
class ArtifactStoreConfigurationTest {

  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  @TempDir Path temp;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(ArtifactStoreConfiguration.class);

  @Test
  void localStoreIsTheDefaultAndUsesTheConfiguredRoot() {
    runner.withPropertyValues("asr3m.artifacts.local.root=" + temp.resolve("store")).run(context -> {
      ArtifactStore store = context.getBean(ArtifactStore.class);
      assertInstanceOf(LocalArtifactStore.class, store);
      store.put("runs/1/x", "abc".getBytes(StandardCharsets.US_ASCII));
      assertEquals("abc", Files.readString(temp.resolve("store/runs/1/x")));
    });
  }

  @Test
  void defaultLocalRootIsUnderTheWorkingDirectory() {
    ArtifactStoreProperties defaults = new ArtifactStoreProperties();
    assertEquals(ArtifactStoreProperties.Type.LOCAL, defaults.getType());
    assertEquals(Path.of(System.getProperty("user.dir"), "asr3m-data", "artifacts"), defaults.getLocal().getRoot());
    assertEquals(16L << 20, defaults.getS3().getPartSize().toBytes());
    assertEquals("asr3m", defaults.getS3().getBucket());
    assertTrue(defaults.getS3().isCreateBucket());
  }

  @Test
  void s3StoreIsBuiltFromItsProperties() {
    runner.withPropertyValues(
            "asr3m.artifacts.type=s3",
            "asr3m.artifacts.s3.endpoint=" + S3.endpoint(),
            "asr3m.artifacts.s3.access-key=" + S3.accessKey(),
            "asr3m.artifacts.s3.secret-key=" + S3.secretKey(),
            "asr3m.artifacts.s3.bucket=configured-bucket",
            "asr3m.artifacts.s3.prefix=prod",
            "asr3m.artifacts.s3.part-size=8MB")
        .run(context -> {
          ArtifactStore store = context.getBean(ArtifactStore.class);
          S3ArtifactStore s3 = assertInstanceOf(S3ArtifactStore.class, store);
          assertEquals("s3://configured-bucket/prod at " + S3.endpoint(), s3.describe());
          assertEquals(8L << 20, s3.partSizeFor(1));
          s3.put("runs/1/y", "abc".getBytes(StandardCharsets.US_ASCII));
          assertEquals(ArtifactStoreContractTest.SHA256_ABC, s3.stat("runs/1/y").orElseThrow().sha256());
          assertTrue(Files.exists(S3.dataDir().resolve("configured-bucket/prod/runs/1/y")));
        });
  }

  @Test
  void s3WithoutEndpointFailsNamingTheProperty() {
    runner.withPropertyValues("asr3m.artifacts.type=s3").run(context -> {
      Throwable failure = context.getStartupFailure();
      assertTrue(failure != null, "context must not start");
      assertTrue(ArtifactStoreContractTest.rootCause(failure).getMessage().contains("asr3m.artifacts.s3.endpoint is required"),
          failure.toString());
    });
  }

  @Test
  void partSizeBelowS3sMinimumIsRejected() {
    runner.withPropertyValues("asr3m.artifacts.type=s3", "asr3m.artifacts.s3.endpoint=" + S3.endpoint(),
            "asr3m.artifacts.s3.part-size=1MB")
        .run(context -> {
          Throwable failure = context.getStartupFailure();
          assertTrue(failure != null, "context must not start");
          assertTrue(ArtifactStoreContractTest.rootCause(failure).getMessage().contains("asr3m.artifacts.s3.part-size is 1048576 bytes"),
              failure.toString());
        });
  }
}
