package org.asr3m.platform.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.asr3m.platform.web.ConflictException;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.artifact.StoredArtifact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Registers data sets — an uploaded archive (stored under {@code datasets/<name>/}), a prefix
 * already in the artefact store, or a local directory — after validating them completely: a data
 * set with any problem is rejected with every problem listed, and nothing of it is kept.
 */
@Service
public class DatasetService {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetService.class);
  static final String STORE = "store:";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");
  private final DatasetRepository repo;
  private final ArtifactStore store;
  private final DatasetProperties props;

  public DatasetService(DatasetRepository repo, ArtifactStore store, DatasetProperties props) {
    this.repo = repo;
    this.store = store;
    this.props = props;
  }

  /** Registers an uploaded archive (.tar.gz / .tar / .zip). */
  public Dataset upload(String name, String description, String fileName, InputStream archive) throws IOException {
    checkNew(name);
    String prefix = "datasets/" + name;
    if (!store.list(prefix + "/").isEmpty()) {
      throw new ConflictException("the artefact store already holds objects under " + prefix
          + "/ that belong to no registered data set; remove them or choose another name");
    }
    Path tmp = Files.createTempDirectory("asr3m-dataset-");
    boolean registered = false;
    try {
      Path root = ArchiveExtractor.extract(archive, tmp, fileName == null ? "archive" : fileName);
      DatasetInspection i = DatasetInspector.inspect(root, true);
      reject(name, i);
      store.putDirectory(prefix, root);
      insert(name, description, "upload", STORE + prefix, i);
      registered = true;
      LOG.info("data set {} uploaded: {} utterances, {} h, under {}", name, i.utterances(), i.hours(), prefix);
      return get(name, null);
    } finally {
      if (!registered) {
        // not registered after all (or the upload broke off): nothing half-registered stays behind
        for (StoredArtifact a : store.list(prefix + "/")) {
          store.delete(a.key());
        }
      }
      deleteTree(tmp);
    }
  }

  /** Registers {@code store:<prefix>} (objects already in the store) or a local directory. */
  public Dataset register(String name, String description, String location) throws IOException {
    checkNew(name);
    if (location == null || location.isBlank()) {
      throw new ValidationException("a data set needs a location", List.of(new FieldError("location", null,
          "required: store:<prefix> in the artefact store" + (props.allowLocalPaths() ? " or a local directory" : ""))));
    }
    if (location.startsWith(STORE)) {
      String prefix = location.substring(STORE.length()).replaceAll("/+$", "");
      Path tmp = Files.createTempDirectory("asr3m-dataset-");
      try {
        List<StoredArtifact> got;
        try {
          got = store.getDirectory(prefix, tmp);
        } catch (IllegalArgumentException e) {
          throw new ValidationException("invalid store prefix", List.of(new FieldError("location", null, e.getMessage())));
        }
        if (got.isEmpty()) {
          throw new ValidationException("nothing stored there", List.of(new FieldError("location", null,
              "no objects under " + prefix + "/ in " + store.describe())));
        }
        DatasetInspection i = DatasetInspector.inspect(tmp, true);
        reject(name, i);
        insert(name, description, "store", STORE + prefix, i);
      } finally {
        deleteTree(tmp);
      }
    } else {
      if (!props.allowLocalPaths()) {
        throw new ValidationException("local directories are not allowed here", List.of(new FieldError("location",
            null, "this platform takes store:<prefix> locations or uploads only (asr3m.datasets.allow-local-paths=false)")));
      }
      Path dir = Path.of(location).toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        throw new ValidationException("no such directory", List.of(new FieldError("location", null,
            dir + " is not a directory on the platform's machine")));
      }
      DatasetInspection i = DatasetInspector.inspect(dir, false);
      reject(name, i);
      insert(name, description, "local", dir.toString(), i);
    }
    return get(name, null);
  }

  public List<Dataset> list() {
    return repo.list();
  }

  /** A data set by id or name, with its coverage by {@code coverageAgainst} when given. */
  public Dataset get(String ref, String coverageAgainst) {
    DatasetRepository.Row row = find(ref);
    if (coverageAgainst == null || coverageAgainst.isBlank()) {
      return row.dataset();
    }
    DatasetRepository.Row other = find(coverageAgainst);
    Dataset d = row.dataset();
    return new Dataset(d.id(), d.name(), d.description(), d.source(), d.location(), d.fingerprint(), d.utterances(),
        d.speakers(), d.speakersFrom(), d.hours(), d.audioBytes(), d.characters(), d.characterSet(), d.createdAt(),
        coverage(row.characterCounts(), other.dataset().name(), other.characterCounts()));
  }

  /** Locations of registered data sets by name (for runs); unknown names are listed as errors of {@code field}. */
  public Map<String, Dataset> byName(List<String> names) {
    Map<String, Dataset> out = new java.util.LinkedHashMap<>();
    for (String n : names) {
      repo.find(n).ifPresent(r -> out.put(n, r.dataset()));
    }
    return out;
  }

  private DatasetRepository.Row find(String ref) {
    if (ref.matches("\\d+")) {
      return repo.find(Long.parseLong(ref)).orElseThrow(() -> new NotFoundException("data set", ref));
    }
    return repo.find(ref).orElseThrow(() -> new NotFoundException("data set", ref));
  }

  static Dataset.Coverage coverage(SortedMap<String, Long> mine, String against, SortedMap<String, Long> theirs) {
    long tokens = 0;
    long covered = 0;
    int typesCovered = 0;
    for (var e : mine.entrySet()) {
      tokens += e.getValue();
      if (theirs.containsKey(e.getKey())) {
        covered += e.getValue();
        typesCovered++;
      }
    }
    String missing = mine.entrySet().stream().filter(e -> !theirs.containsKey(e.getKey()))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(100).map(Map.Entry::getKey)
        .reduce("", String::concat);
    return new Dataset.Coverage(against, mine.isEmpty() ? 1.0 : typesCovered / (double) mine.size(),
        tokens == 0 ? 1.0 : covered / (double) tokens, missing);
  }

  private void checkNew(String name) {
    if (name == null || name.isBlank() || name.length() > 200 || !NAME.matcher(name).matches()) {
      throw new ValidationException("invalid data set name", List.of(new FieldError("name", null,
          "required: letters, digits, '.', '_', '-', with '/' between parts (e.g. aishell/train), at most 200"
              + " characters; got '" + name + "'")));
    }
    if (repo.exists(name)) {
      throw new ConflictException("data set '" + name + "' is already registered");
    }
  }

  private static void reject(String name, DatasetInspection i) {
    if (!i.problems().isEmpty()) {
      throw new ValidationException("data set '" + name + "' has " + i.problems().size() + " problem"
          + (i.problems().size() == 1 ? "" : "s") + "; nothing was registered", i.problems());
    }
  }

  private void insert(String name, String description, String source, String location, DatasetInspection i) {
    try {
      repo.insert(name, description, source, location, i);
    } catch (DuplicateKeyException e) {
      throw new ConflictException("data set '" + name + "' is already registered");
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete temporary directory {}: {}", dir, e.toString());
    }
  }
}
