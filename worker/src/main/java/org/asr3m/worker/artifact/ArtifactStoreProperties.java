package org.asr3m.worker.artifact;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code asr3m.artifacts.*}: which artefact store the worker uses and how to reach it. */
@ConfigurationProperties(prefix = "asr3m.artifacts")
public class ArtifactStoreProperties {

  public enum Type { LOCAL, S3 }

  /** {@code local} (a directory, the default) or {@code s3}. */
  private Type type = Type.LOCAL;

  private final Local local = new Local();
  private final S3 s3 = new S3();

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Local getLocal() {
    return local;
  }

  public S3 getS3() {
    return s3;
  }

  /** {@code asr3m.artifacts.local.*} */
  public static class Local {
    /** Root directory; default {@code ${user.dir}/asr3m-data/artifacts}. */
    private Path root = Path.of(System.getProperty("user.dir"), "asr3m-data", "artifacts");

    public Path getRoot() {
      return root;
    }

    public void setRoot(Path root) {
      this.root = root;
    }
  }

  /** {@code asr3m.artifacts.s3.*} */
  public static class S3 {
    /** e.g. {@code http://127.0.0.1:9000}; required for type s3. */
    private String endpoint;
    private String accessKey;
    private String secretKey;
    /** Empty: the SDK asks the server. */
    private String region;
    private String bucket = "asr3m";
    /** Key prefix inside the bucket, e.g. {@code prod}; empty for none. */
    private String prefix = "";
    /** Multipart part size (S3 allows 5 MB to 5 GB); also the memory one upload buffers. */
    private DataSize partSize = DataSize.ofMegabytes(16);
    /** Create the bucket when it is missing. */
    private boolean createBucket = true;

    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }

    public String getAccessKey() {
      return accessKey;
    }

    public void setAccessKey(String accessKey) {
      this.accessKey = accessKey;
    }

    public String getSecretKey() {
      return secretKey;
    }

    public void setSecretKey(String secretKey) {
      this.secretKey = secretKey;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getBucket() {
      return bucket;
    }

    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public DataSize getPartSize() {
      return partSize;
    }

    public void setPartSize(DataSize partSize) {
      this.partSize = partSize;
    }

    public boolean isCreateBucket() {
      return createBucket;
    }

    public void setCreateBucket(boolean createBucket) {
      this.createBucket = createBucket;
    }
  }
}
