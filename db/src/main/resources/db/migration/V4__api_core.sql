-- platform-api core (data sets, experiments, runs).

-- At most one active (QUEUED or RUNNING) run per experiment, guaranteed by the database: the API
-- sets active_experiment_id = experiment_id when it queues a run and the worker clears it when the
-- run finishes. NULLs never collide in a unique index (PostgreSQL and H2), so finished and
-- experiment-less runs do not count.
alter table runs add column active_experiment_id bigint;
alter table runs add constraint runs_active_experiment_uk unique (active_experiment_id);

-- How a data set was registered (upload, store, local) and its total audio size.
alter table datasets add column source varchar(20);
alter table datasets add column audio_bytes bigint;
alter table datasets add column description text;

create index experiments_created_ix on experiments (archived, created_at);
