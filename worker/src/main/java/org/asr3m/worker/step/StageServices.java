package org.asr3m.worker.step;

import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.reuse.StageReuse;
import org.asr3m.worker.run.RunControl;
import org.asr3m.worker.run.RunRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What every stage adapter needs from the worker, in one bean. */
@Component
public record StageServices(RunRepository runs, ArtifactStore store, JdbcClient jdbc, JdbcTemplate jdbcTemplate,
    StageReuse reuse, WorkerProperties props, RunControl control) {}
