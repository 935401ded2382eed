-- Scale-out: a worker executes up to `slots` runs at once and reports all of them, and the memory
-- of its device(s) next to its JVM heap (memory_used / memory_max).
alter table workers add column current_runs varchar(2000);
alter table workers add column device_memory_used bigint;
alter table workers add column device_memory_max bigint;
