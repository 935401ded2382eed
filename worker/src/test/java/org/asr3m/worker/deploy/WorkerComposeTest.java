package org.asr3m.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.artifact.ArtifactStoreProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * compose.yaml's worker service against what the worker reads, on the worker's own classpath:
 * every variable sets a property it reads, bound to values that agree with the PostgreSQL, MinIO
 * and RabbitMQ services; it scales out (no fixed name or port), reserves a GPU and has a health
 * check on the file it touches. platform-api's ComposeFileTest checks the rest of the file.
 */
class WorkerComposeTest {
  /** Variables read by the JVM or a library rather than Spring, with who reads them. */
  private static final Map<String, String> NOT_SPRING = Map.of(
      "JAVA_TOOL_OPTIONS", "the JVM", "DJL_CACHE_DIR", "DJL (where it unpacks PyTorch's native libraries)");

  private static ComposeFile compose;
  private static ServiceProperties props;
  private static Binder binder;

  @BeforeAll
  static void read() throws Exception {
    compose = ComposeFile.read(ComposeFile.find("compose.yaml"));
    props = ServiceProperties.read(ComposeFile.find("worker/src/main/resources/application.yaml"),
        "org.asr3m.worker", "org.asr3m.db");
    binder = props.binder(compose.environment("worker"));
  }

  @Test
  void everyVariableSetsAPropertyTheWorkerReads() {
    List<String> unread = new ArrayList<>();
    for (String variable : compose.environment("worker").keySet()) {
      if (!NOT_SPRING.containsKey(variable) && props.propertyFor(variable) == null) {
        unread.add(variable);
      }
    }
    assertThat(unread).as("worker variables no code reads (a typo, or a property renamed)").isEmpty();
  }

  @Test
  void itReachesPostgresMinioAndRabbitmqWithTheirCredentials() {
    Map<String, String> pg = compose.environment("postgres");
    Map<String, String> minio = compose.environment("minio");
    Map<String, String> rabbit = compose.environment("rabbitmq");
    URI db = URI.create(binder.bind("spring.datasource.url", String.class).get().substring("jdbc:".length()));
    assertThat(db.getHost()).isEqualTo("postgres");
    assertThat(compose.ports("postgres")).containsKey(db.getPort());
    assertThat(db.getPath()).isEqualTo("/" + pg.get("POSTGRES_DB"));
    assertThat(binder.bind("spring.datasource.username", String.class).get()).isEqualTo(pg.get("POSTGRES_USER"));
    assertThat(binder.bind("spring.datasource.password", String.class).get()).isEqualTo(pg.get("POSTGRES_PASSWORD"));

    ArtifactStoreProperties artifacts = binder.bind("asr3m.artifacts", ArtifactStoreProperties.class).get();
    assertThat(artifacts.getType()).isEqualTo(ArtifactStoreProperties.Type.S3);
    URI s3 = URI.create(artifacts.getS3().getEndpoint());
    assertThat(s3.getHost()).isEqualTo("minio");
    assertThat(compose.ports("minio")).containsKey(s3.getPort());
    assertThat(artifacts.getS3().getAccessKey()).isEqualTo(minio.get("MINIO_ROOT_USER"));
    assertThat(artifacts.getS3().getSecretKey()).isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));
    // the bucket minio-init makes; the worker does not create one itself
    assertThat(artifacts.getS3().getBucket()).isEqualTo(compose.environment("minio-init").get("ASR3M_BUCKET"));
    assertThat(artifacts.getS3().isCreateBucket()).isFalse();

    assertThat(binder.bind("spring.rabbitmq.host", String.class).get()).isEqualTo("rabbitmq");
    assertThat(compose.ports("rabbitmq")).containsKey(binder.bind("spring.rabbitmq.port", Integer.class).get());
    assertThat(binder.bind("spring.rabbitmq.username", String.class).get()).isEqualTo(rabbit.get("RABBITMQ_DEFAULT_USER"));
    assertThat(binder.bind("spring.rabbitmq.password", String.class).get()).isEqualTo(rabbit.get("RABBITMQ_DEFAULT_PASS"));
    assertThat(compose.dependsOn("worker")).containsKeys("postgres", "rabbitmq", "minio-init");
  }

  @Test
  void itScalesOutReservesAGpuAndReportsItsHealth() throws Exception {
    Map<String, Object> worker = compose.service("worker");
    assertThat(worker).doesNotContainKeys("container_name", "ports");
    assertThat(compose.mounts("worker").values()).as("scratch in an anonymous volume per replica").containsOnly("");
    String home = binder.bind("asr3m.home", String.class).get();
    assertThat(compose.mounts("worker")).containsKey(home);
    assertThat(compose.at("worker", "deploy.resources.reservations.devices.0.driver")).isEqualTo("nvidia");
    assertThat(strings(compose.at("worker", "deploy.resources.reservations.devices.0.capabilities"))).contains("gpu");
    int gpus = Integer.parseInt(String.valueOf(compose.at("worker", "deploy.resources.reservations.devices.0.count")));
    assertThat(gpus).isPositive();

    WorkerProperties wp = binder.bindOrCreate("asr3m.worker", WorkerProperties.class);
    assertThat(wp.id()).as("each replica names itself (host-pid)").isNotBlank();
    assertThat(compose.environment("worker")).doesNotContainKey("ASR3M_WORKER_ID");
    assertThat(binder.bind("asr3m.worker.slots", Integer.class).get()).as("one slot per reserved GPU").isEqualTo(gpus);
    // the health check reads the file the worker touches after each heartbeat, on its volume
    String healthFile = binder.bind("asr3m.worker.health-file", String.class).get();
    assertThat(compose.healthcheck("worker")).contains(healthFile);
    assertThat(healthFile).startsWith(home + "/");
    // `serve` is the worker's cluster command
    var serve = Class.forName("org.asr3m.worker.cli.ServeCommand").getAnnotation(picocli.CommandLine.Command.class);
    assertThat(strings(worker.get("command"))).containsExactly(serve.name());
  }

  private static List<String> strings(Object list) {
    assertThat(list).isInstanceOf(List.class);
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }
}
