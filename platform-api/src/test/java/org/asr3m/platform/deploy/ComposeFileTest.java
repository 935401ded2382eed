package org.asr3m.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.asr3m.worker.artifact.ArtifactStoreProperties;
import org.asr3m.worker.deploy.ComposeFile;
import org.asr3m.worker.deploy.ServiceProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * compose.yaml against what the code reads (no Docker engine here to run it): every service, its
 * health check, ports, volumes, and every environment variable given to platform-api and the
 * worker set a property those services really read, bound to values that agree with the
 * PostgreSQL, MinIO and RabbitMQ services beside them.
 */
class ComposeFileTest {
  private static final Set<String> SERVICES = Set.of("postgres", "minio", "minio-init", "rabbitmq", "platform-api",
      "worker");
  /** Variables read by the JVM or a library rather than Spring, with who reads them. */
  private static final Map<String, String> NOT_SPRING = Map.of(
      "JAVA_TOOL_OPTIONS", "the JVM", "DJL_CACHE_DIR", "DJL (where it unpacks PyTorch's native libraries)");

  private static Path repo;
  private static ComposeFile compose;
  private static ServiceProperties apiProperties;

  @BeforeAll
  static void read() throws Exception {
    repo = ComposeFile.find("compose.yaml").getParent();
    compose = ComposeFile.read(repo.resolve("compose.yaml"));
    // the control plane runs the worker's and db's code too (shared repositories, embedded worker)
    apiProperties = ServiceProperties.read(repo.resolve("platform-api/src/main/resources/application.yaml"),
        "org.asr3m.platform", "org.asr3m.worker", "org.asr3m.db");
  }

  @Test
  void everyServiceWithAHealthCheckOrAsAOneShotOthersWaitFor() {
    assertThat(compose.services().keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    Map<String, String> waitedFor = new LinkedHashMap<>();
    for (String s : SERVICES) {
      compose.dependsOn(s).forEach((dep, condition) -> {
        assertThat(condition).as("%s depends_on %s: a condition", s, dep).isNotNull();
        waitedFor.merge(dep, condition, (a, b) -> a.equals(b) ? a : a + "," + b);
      });
    }
    for (String s : SERVICES) {
      boolean oneShot = "no".equals(compose.service(s).get("restart"));
      if (oneShot) {
        assertThat(waitedFor.get(s)).as("%s runs once: others wait for it to succeed", s)
            .isEqualTo("service_completed_successfully");
      } else {
        assertThat(compose.healthcheck(s)).as("%s health check", s).isNotBlank();
        assertThat(waitedFor.getOrDefault(s, "service_healthy")).as("others wait for %s to be healthy", s)
            .isEqualTo("service_healthy");
      }
    }
    assertThat(compose.dependsOn("worker")).containsKeys("postgres", "rabbitmq", "minio-init");
    assertThat(compose.dependsOn("platform-api")).containsKeys("postgres", "minio-init");
  }

  @Test
  void everyVariableOfTheControlPlaneSetsAPropertyItReads() {
    List<String> unread = new ArrayList<>();
    for (String variable : compose.environment("platform-api").keySet()) {
      if (!NOT_SPRING.containsKey(variable) && apiProperties.propertyFor(variable) == null) {
        unread.add(variable);
      }
    }
    assertThat(unread).as("platform-api variables no code reads (a typo, or a property renamed)").isEmpty();
  }

  @Test
  void theControlPlaneReachesPostgresAndMinioWithTheirCredentials() {
    Map<String, String> pg = compose.environment("postgres");
    Map<String, String> minio = compose.environment("minio");
    Map<String, String> init = compose.environment("minio-init");
    Binder binder = apiProperties.binder(compose.environment("platform-api"));

    URI db = URI.create(binder.bind("spring.datasource.url", String.class).get().substring("jdbc:".length()));
    assertThat(db.getScheme()).isEqualTo("postgresql");
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
    // the bucket minio-init makes is the one the services use (they do not create it themselves)
    assertThat(artifacts.getS3().getBucket()).isEqualTo(init.get("ASR3M_BUCKET"));
    assertThat(artifacts.getS3().isCreateBucket()).isFalse();
    // scratch (asr3m.home) is on a volume, not in the container's layer
    assertThat(compose.mounts("platform-api")).containsKey(binder.bind("asr3m.home", String.class).get());

    assertThat(init.get("MINIO_ROOT_USER")).isEqualTo(minio.get("MINIO_ROOT_USER"));
    assertThat(init.get("MINIO_ROOT_PASSWORD")).isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));
    String initCommand = compose.service("minio-init").get("command").toString();
    assertThat(initCommand).contains("http://minio:9000").contains("mc mb --ignore-existing")
        .contains("${ASR3M_BUCKET}").contains("${MINIO_ROOT_USER}").contains("${MINIO_ROOT_PASSWORD}");
    // RabbitMQ keeps its queues under rabbit@<hostname>: fixed, so they survive a recreated container
    assertThat(compose.service("rabbitmq").get("hostname")).isNotNull();
    assertThat(compose.ports("rabbitmq")).containsKey(5672);
  }

  @Test
  void theControlPlaneServesOnItsPortAndReportsReadiness() {
    Binder api = apiProperties.binder(compose.environment("platform-api"));
    int port = api.bind("server.port", Integer.class).get();
    assertThat(compose.ports("platform-api")).containsKey(port);
    // the readiness group answers 200 only when all its parts are up (a body check could match a part)
    assertThat(compose.healthcheck("platform-api")).contains("/" + port).contains("/actuator/health/readiness")
        .contains(" 200 ");
    assertThat(api.bind("management.endpoint.health.probes.enabled", Boolean.class).get()).isTrue();
    // runs go to the worker service; the API's directories are not the workers'
    assertThat(api.bind("asr3m.embedded-worker.enabled", Boolean.class).get()).isFalse();
    assertThat(api.bind("asr3m.datasets.allow-local-paths", Boolean.class).get()).isFalse();
  }

  @Test
  void theCpuOverrideOnlyDropsTheWorkersGpuReservation() throws Exception {
    // !reset is Compose's tag for "remove what the file being overridden sets here"
    var constructor = new SafeConstructor(new LoaderOptions()) {
      {
        yamlConstructors.put(new Tag("!reset"), new AbstractConstruct() {
          @Override
          public Object construct(Node node) {
            return "!reset";
          }
        });
      }
    };
    Object cpu = new Yaml(constructor).load(Files.readString(repo.resolve("compose.cpu.yaml")));
    assertThat(cpu).isEqualTo(Map.of("services", Map.of("worker",
        Map.of("deploy", Map.of("resources", Map.of("reservations", Map.of("devices", "!reset")))))));
    assertThat(compose.at("worker", "deploy.resources.reservations.devices")).isNotNull();
  }

  @Test
  void volumesAreNamedAndDeclared() {
    Set<String> used = new java.util.TreeSet<>();
    for (String s : SERVICES) {
      compose.mounts(s).forEach((target, source) -> {
        if (!source.isEmpty()) {
          assertThat(source).as("%s mounts %s from a named volume, not a host path", s, target).doesNotContain("/");
          used.add(source);
        }
      });
    }
    assertThat(compose.volumes().keySet()).containsExactlyInAnyOrderElementsOf(used);
    assertThat(compose.mounts("postgres")).containsEntry("/var/lib/postgresql/data", "pgdata");
    assertThat(compose.mounts("rabbitmq")).containsEntry("/var/lib/rabbitmq", "rabbitmq");
    // MinIO serves the directory its command names
    String data = String.valueOf(compose.service("minio").get("command")).split(" ")[1];
    assertThat(compose.mounts("minio")).containsEntry(data, "artefacts");
  }

  @Test
  void imagesAreTheOnesJibBuilds() throws Exception {
    var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(repo.resolve("pom.xml").toFile())
        .getDocumentElement();
    String version = child(pom, "version");
    Element props = (Element) pom.getElementsByTagName("properties").item(0);
    for (String service : List.of("platform-api", "worker")) {
      String image = child(props, "asr3m.image." + service).replace("${project.version}", version);
      assertThat(compose.service(service).get("image")).as(service).isEqualTo(image);
    }
  }

  @Test
  void theEnvFileTemplateListsEveryVariableWithTheFilesDefault() throws Exception {
    Map<String, String> template = new LinkedHashMap<>();
    for (String line : Files.readAllLines(repo.resolve(".env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int eq = line.indexOf('=');
        template.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertThat(template.keySet()).containsExactlyInAnyOrderElementsOf(compose.variables().keySet());
    compose.variables().forEach((variable, defaults) -> {
      String value = template.get(variable);
      // empty in the template = use the file's default(s)
      if (!value.isEmpty()) {
        assertThat(defaults).as(variable).containsOnly(value);
      }
    });
  }

  private static String child(Element parent, String name) {
    var nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    throw new IllegalStateException("pom.xml: no <" + name + "> in <" + parent.getTagName() + ">");
  }
}
