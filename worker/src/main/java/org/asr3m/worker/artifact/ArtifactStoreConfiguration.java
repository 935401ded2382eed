package org.asr3m.worker.artifact;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's one {@link ArtifactStore}, chosen by {@code asr3m.artifacts.type}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ArtifactStoreProperties.class)
public class ArtifactStoreConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ArtifactStoreConfiguration.class);

  @Bean
  public ArtifactStore artifactStore(ArtifactStoreProperties properties) throws IOException {
    ArtifactStore store = switch (properties.getType()) {
      case LOCAL -> new LocalArtifactStore(properties.getLocal().getRoot());
      case S3 -> s3(properties.getS3());
    };
    log.info("Artefact store: {}", store.describe());
    return store;
  }

  private static S3ArtifactStore s3(ArtifactStoreProperties.S3 s3) throws IOException {
    if (s3.getEndpoint() == null || s3.getEndpoint().isBlank()) {
      throw new IllegalArgumentException("asr3m.artifacts.s3.endpoint is required when asr3m.artifacts.type=s3");
    }
    if (s3.getPartSize() == null) {
      throw new IllegalArgumentException("asr3m.artifacts.s3.part-size must not be empty");
    }
    long partSize = s3.getPartSize().toBytes();
    if (partSize < S3ArtifactStore.MIN_PART_SIZE || partSize > S3ArtifactStore.MAX_PART_SIZE) {
      throw new IllegalArgumentException("asr3m.artifacts.s3.part-size is " + partSize
          + " bytes, outside S3's multipart limits (5MB to 5GB)");
    }
    return new S3ArtifactStore(new S3ArtifactStore.Config(
        s3.getEndpoint(), s3.getAccessKey(), s3.getSecretKey(), s3.getRegion(), s3.getBucket(),
        s3.getPrefix(), partSize, s3.isCreateBucket()));
  }
}
