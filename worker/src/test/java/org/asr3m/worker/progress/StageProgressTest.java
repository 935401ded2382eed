package org.asr3m.worker.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asr3m.db.PostgresTestDatabase;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Training progress on the stage row (real PostgreSQL): epochs of known length as before, and
 * streamed epochs whose length is known only at their end — estimated first, then the previous
 * epoch's — never above 100 %, never complete before the end, never backwards.
 */
class StageProgressTest {
  private static final PostgresTestDatabase db = PostgresTestDatabase.create("progress");
  private static RunRepository runs;

  @BeforeAll
  static void schema() {
    org.flywaydb.core.Flyway.configure().dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/migration").load().migrate();
    runs = new RunRepository(JdbcClient.create(new DriverManagerDataSource(db.url(), db.user(), db.password())));
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  private static long run() {
    long id = runs.insert(new RunRepository.NewRun("p", "model: conformer", "conformer", null, 1L, "/t", "/d",
        Map.of(), 0, 0, null));
    runs.stageStarted(id, Stage.TRAIN, null);
    return id;
  }

  /** Feeds {@code batches} of each epoch as a stream would (size -1) and returns every fraction shown. */
  private static List<Double> stream(StageProgress p, int epoch, int from, int batches) {
    List<Double> shown = new ArrayList<>();
    for (int b = from; b <= batches; b++) {
      p.batch(epoch, b, -1);
      shown.add(p.fraction());
    }
    p.epochEnded(epoch);
    return shown;
  }

  @Test
  void epochsOfKnownLengthCountTheirBatches() {
    long id = run();
    StageProgress p = new StageProgress(runs, id, Stage.TRAIN, 2, 0);
    p.batch(0, 5, 10);
    assertThat(p.fraction()).isEqualTo(0.25);
    assertThat(runs.stages(id).get(Stage.TRAIN).progress()).isEqualTo(0.25); // the first batch is written at once
    p.batch(1, 10, 10);
    assertThat(p.fraction()).isEqualTo(1.0);
  }

  @Test
  void aStreamedEpochUsesTheEstimateThenThePreviousEpochsLengthAndNeverReaches100PercentEarly() {
    long id = run();
    // estimated 10 batches per epoch; the epochs have 16 and 12
    StageProgress p = new StageProgress(runs, id, Stage.TRAIN, 2, 10);
    List<Double> first = stream(p, 0, 1, 16);
    assertThat(first.get(0)).isCloseTo(0.05, within(1e-12)); // 1 of ~10 batches of the first of 2 epochs
    assertThat(runs.stages(id).get(Stage.TRAIN).progress()).isCloseTo(0.05, within(1e-12));
    assertThat(first.get(8)).isCloseTo(0.45, within(1e-12)); // batch 9 of 10
    // past the estimate: on ever more slowly, still inside the first epoch
    assertThat(first).isSorted().allSatisfy(f -> assertThat(f).isLessThan(0.5));
    assertThat(first.get(15)).isCloseTo(16.0 / 17 / 2, within(1e-12));

    // the second epoch expects the first one's 16 batches
    List<Double> second = stream(p, 1, 1, 12);
    assertThat(second.get(0)).isCloseTo((1 + 1.0 / 16) / 2, within(1e-12));
    assertThat(second.get(11)).isCloseTo((1 + 12.0 / 16) / 2, within(1e-12));
    assertThat(second).isSorted().allSatisfy(f -> assertThat(f).isGreaterThan(first.get(15)).isLessThan(1.0));
    assertThat(p.etaSeconds()).isNotNull().isNotNegative();
  }

  @Test
  void withoutAnEstimateOnlyWholeEpochsCountUntilOneEnded() {
    long id = run();
    StageProgress p = new StageProgress(runs, id, Stage.TRAIN, 4, 0);
    List<Double> first = stream(p, 0, 1, 8);
    assertThat(first).containsOnly(0.0);
    assertThat(p.etaSeconds()).isNull();
    List<Double> second = stream(p, 1, 1, 8);
    assertThat(second.get(3)).isCloseTo((1 + 4.0 / 8) / 4, within(1e-12));
    assertThat(second.get(7)).isCloseTo((1 + 8.0 / 9) / 4, within(1e-12));
  }

  @Test
  void aResumedEpochCountsFromTheBatchItResumesAt() {
    long id = run();
    StageProgress p = new StageProgress(runs, id, Stage.TRAIN, 2, 20);
    // resumed at batch 7 of epoch 1 (epoch 0 was trained by the crashed process): no jump to 100 %
    List<Double> resumed = stream(p, 1, 7, 18);
    assertThat(resumed.get(0)).isCloseTo((1 + 7.0 / 20) / 2, within(1e-12));
    assertThat(resumed).isSorted().allSatisfy(f -> assertThat(f).isLessThan(1.0));
  }
}
