package org.asr3m.platform.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Registers the shipped tiny-cmn corpus (tiny-cmn/train, tiny-cmn/dev, tiny-cmn/test) on start when
 * absent, so that a fresh platform can run the tiny comparison at once. Found at
 * {@code asr3m.datasets.tiny-cmn} or as {@code recipes/tiny-cmn/data} in the working directory or a
 * parent; a platform without it simply has no tiny-cmn.
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE) // before the demo uses it
class TinyCmnRegistration implements ApplicationRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TinyCmnRegistration.class);
  private final DatasetService service;
  private final DatasetRepository repo;
  private final DatasetProperties props;

  TinyCmnRegistration(DatasetService service, DatasetRepository repo, DatasetProperties props) {
    this.service = service;
    this.repo = repo;
    this.props = props;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!props.registerTinyCmn()) {
      return;
    }
    Path data = locate();
    if (data == null) {
      LOG.info("tiny-cmn not found (set asr3m.datasets.tiny-cmn); not registered");
      return;
    }
    for (String set : new String[] {"train", "dev", "test"}) {
      String name = "tiny-cmn/" + set;
      if (repo.exists(name) || !Files.isDirectory(data.resolve(set))) {
        continue;
      }
      try {
        if (props.allowLocalPaths()) {
          service.register(name, "the shipped tiny Mandarin corpus (espeak-ng speech), " + set + " set",
              data.resolve(set).toString());
          LOG.info("registered {} from {}", name, data.resolve(set));
        } else {
          LOG.info("{} not registered: local paths are not allowed here; upload it as an archive", name);
        }
      } catch (RuntimeException | java.io.IOException e) {
        // another instance may have registered it at the same moment, or the copy is damaged: say so, go on
        LOG.warn("could not register {}: {}", name, e.getMessage());
      }
    }
  }

  private Path locate() {
    if (!props.tinyCmn().isBlank()) {
      Path p = Path.of(props.tinyCmn());
      return Files.isDirectory(p) ? p.toAbsolutePath().normalize() : null;
    }
    for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
      Path d = p.resolve("recipes/tiny-cmn/data");
      if (Files.isDirectory(d.resolve("train"))) {
        return d.normalize();
      }
    }
    return null;
  }
}
