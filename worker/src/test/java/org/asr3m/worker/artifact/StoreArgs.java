package org.asr3m.worker.artifact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Names a store on a command line so a child JVM can open the same store as the test:
 * {@code local <root>} or {@code s3 <endpoint> <access key> <secret key> <bucket> <prefix>}.
 */
final class StoreArgs {

  private StoreArgs() {}

  static List<String> local(Path root) {
    return List.of("local", root.toString());
  }

  static List<String> s3(String endpoint, String accessKey, String secretKey, String bucket, String prefix) {
    return List.of("s3", endpoint, accessKey, secretKey, bucket, prefix);
  }

  static ArtifactStore open(List<String> args) throws IOException {
    return switch (args.get(0)) {
      case "local" -> new LocalArtifactStore(Path.of(args.get(1)));
      case "s3" -> new S3ArtifactStore(new S3ArtifactStore.Config(
          args.get(1), args.get(2), args.get(3), null, args.get(4), args.get(5), S3ArtifactStore.MIN_PART_SIZE, true));
      default -> throw new IllegalArgumentException("unknown store kind '" + args.get(0) + "' (local or s3)");
    };
  }

  /** A {@code java} command running {@code main} with the test classpath and a heap of {@code heapMb}. */
  static List<String> javaCommand(Class<?> main, int heapMb) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMb + "m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        main.getName());
  }
}
