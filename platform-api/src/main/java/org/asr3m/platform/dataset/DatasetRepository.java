package org.asr3m.platform.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The datasets table. */
@Repository
class DatasetRepository {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;

  DatasetRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The report column: what is not a column of its own. */
  record Report(String speakersFrom, SortedMap<String, Long> characterCounts) {}

  /** A row with its character counts (for coverage). */
  record Row(Dataset dataset, SortedMap<String, Long> characterCounts) {}

  void insert(String name, String description, String source, String location, DatasetInspection i) {
    jdbc.sql("insert into datasets (name, description, source, location, fingerprint, utterances, speakers, hours,"
            + " characters, audio_bytes, report) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(name, description, source, location, i.fingerprint(), i.utterances(), i.speakers(), i.hours(),
            i.characterCounts().size(), i.audioBytes(),
            JSON.writeValueAsString(new Report(i.speakersFrom(), i.characterCounts())))
        .update();
  }

  boolean exists(String name) {
    return jdbc.sql("select count(*) from datasets where name = ?").param(name).query(Long.class).single() > 0;
  }

  Optional<Row> find(String name) {
    return jdbc.sql("select * from datasets where name = ?").param(name).query(DatasetRepository::row).optional();
  }

  Optional<Row> find(long id) {
    return jdbc.sql("select * from datasets where id = ?").param(id).query(DatasetRepository::row).optional();
  }

  List<Dataset> list() {
    return jdbc.sql("select * from datasets order by name").query(DatasetRepository::row).list().stream()
        .map(Row::dataset).toList();
  }

  private static Row row(ResultSet rs, int i) throws SQLException {
    String json = rs.getString("report");
    Report r = json == null ? new Report(null, new TreeMap<>()) : JSON.readValue(json, new TypeReference<Report>() {});
    SortedMap<String, Long> counts = r.characterCounts() == null ? new TreeMap<>() : r.characterCounts();
    Dataset d = new Dataset(rs.getLong("id"), rs.getString("name"), rs.getString("description"),
        rs.getString("source"), rs.getString("location"), rs.getString("fingerprint"), rs.getInt("utterances"),
        rs.getInt("speakers"), r.speakersFrom(), rs.getDouble("hours"), rs.getLong("audio_bytes"),
        rs.getInt("characters"), String.join("", counts.keySet()), rs.getObject("created_at", OffsetDateTime.class),
        null);
    return new Row(d, counts);
  }
}
