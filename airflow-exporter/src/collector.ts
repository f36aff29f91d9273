import { Counter, Gauge, Registry } from 'prom-client';
import { Collection } from './database';
import { Snapshot } from './queries';

/** Where the exporter's families get their values: one collection answers them all. */
export interface CollectionSource {
  collect(): Promise<Collection>;
}

const DAG = ['dag_id'] as const;

/**
 * The exporter's registry. Every family is filled at scrape time from one
 * collection of Airflow's metadata database; nothing is carried over from an
 * earlier scrape, so a restarted exporter publishes the same values.
 * While the database cannot be read only the two health families are
 * published: a stale value presented as current would mislead alerts more
 * than an absent one.
 */
export function createRegistry(source: CollectionSource): Registry {
  const registry = new Registry();
  const registers = [registry];
  // prom-client calls every family's collect() for one scrape; they share the same collection.
  // Reset and refill happen together after the await, so overlapping scrapes never add a count twice.
  const fill = (apply: (snapshot: Snapshot) => void, reset: () => void) => async () => {
    const collection = await source.collect();
    reset();
    if (collection.ok) apply(collection.snapshot);
  };

  const lastSuccess: Gauge<'dag_id'> = new Gauge({
    name: 'pipewatch_dag_last_success_interval_end_seconds',
    help: "Data interval end (else logical date, else run_after) of the DAG's latest successful run, as Unix seconds; absent until a run succeeds. Judge deadlines and staleness on this, not on when the success was recorded.",
    labelNames: DAG,
    registers,
    collect: fill((s) => s.dags.forEach((d) => d.lastSuccessIntervalEnd !== undefined && lastSuccess.set({ dag_id: d.dagId }, d.lastSuccessIntervalEnd)), () => lastSuccess.reset()),
  });

  const lastFinished: Gauge<'dag_id'> = new Gauge({
    name: 'pipewatch_dag_last_finished_interval_end_seconds',
    help: "Data interval end (else logical date, else run_after) of the DAG's latest finished (success or failed) run, as Unix seconds; absent until a run finishes.",
    labelNames: DAG,
    registers,
    collect: fill((s) => s.dags.forEach((d) => d.lastFinishedIntervalEnd !== undefined && lastFinished.set({ dag_id: d.dagId }, d.lastFinishedIntervalEnd)), () => lastFinished.reset()),
  });

  const lastFailed: Gauge<'dag_id'> = new Gauge({
    name: 'pipewatch_dag_last_run_failed',
    help: "1 if the DAG's latest finished run (ordered by data interval end, else logical date, else run_after) failed, else 0; it returns to 0 only when a later run succeeds.",
    labelNames: DAG,
    registers,
    collect: fill((s) => s.dags.forEach((d) => lastFailed.set({ dag_id: d.dagId }, d.lastRunFailed ? 1 : 0)), () => lastFailed.reset()),
  });

  // The database holds the counts, so the counters survive exporter restarts; every DAG has both series from 0.
  const finished: Counter<'dag_id' | 'state'> = new Counter({
    name: 'pipewatch_dag_runs_finished_total',
    help: "DAG runs in a finished state (success, failed), counted in Airflow's metadata database; present at 0 before the first such run.",
    labelNames: ['dag_id', 'state'],
    registers,
    collect: fill(
      (s) =>
        s.dags.forEach((d) => {
          finished.inc({ dag_id: d.dagId, state: 'success' }, d.finished.success);
          finished.inc({ dag_id: d.dagId, state: 'failed' }, d.finished.failed);
        }),
      () => finished.reset(),
    ),
  });

  const active: Gauge<'dag_id' | 'state'> = new Gauge({
    name: 'pipewatch_dag_runs_active',
    help: 'DAG runs now running or queued.',
    labelNames: ['dag_id', 'state'],
    registers,
    collect: fill(
      (s) =>
        s.dags.forEach((d) => {
          active.set({ dag_id: d.dagId, state: 'running' }, d.active.running);
          active.set({ dag_id: d.dagId, state: 'queued' }, d.active.queued);
        }),
      () => active.reset(),
    ),
  });

  const paused: Gauge<'dag_id'> = new Gauge({
    name: 'pipewatch_dag_paused',
    help: '1 if the DAG is paused in Airflow, else 0.',
    labelNames: DAG,
    registers,
    collect: fill((s) => s.dags.forEach((d) => paused.set({ dag_id: d.dagId }, d.paused ? 1 : 0)), () => paused.reset()),
  });

  const runningTask: Gauge<'dag_id' | 'task_id'> = new Gauge({
    name: 'pipewatch_task_running_since_seconds',
    help: 'Earliest start of the task instances of this task now in state running (mapped instances collapse), as Unix seconds; absent when none runs.',
    labelNames: ['dag_id', 'task_id'],
    registers,
    collect: fill((s) => s.runningTasks.forEach((t) => runningTask.set({ dag_id: t.dagId, task_id: t.taskId }, t.runningSince)), () => runningTask.reset()),
  });

  const up: Gauge = new Gauge({
    name: 'pipewatch_airflow_db_up',
    help: "1 if the latest query of Airflow's metadata database succeeded, else 0 (then the DAG families are not published).",
    registers,
    async collect() {
      up.set((await source.collect()).ok ? 1 : 0);
    },
  });

  const duration: Gauge = new Gauge({
    name: 'pipewatch_airflow_db_query_duration_seconds',
    help: "Seconds the latest query of Airflow's metadata database took, failed ones included.",
    registers,
    async collect() {
      duration.set((await source.collect()).durationSeconds);
    },
  });

  return registry;
}
