import { Counter, Gauge, Registry } from 'prom-client';
import { Collection } from './database';
import { Snapshot } from './queries';

/** Where the exporter's families get their values: one collection answers them all. */
export interface CollectionSource {
  collect(): Promise<Collection>;
}

type DagGauge = Gauge<'dag_id'>;
type DagStateGauge = Gauge<'dag_id' | 'state'>;

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

  // prom-client calls every family's collect() (with the family as `this`) for one scrape; they share one
  // collection. Reset and refill happen together after the await, so overlapping scrapes never add a count twice.
  function fill<T extends { reset(): void }>(apply: (family: T, snapshot: Snapshot) => void): (this: T) => Promise<void> {
    return async function (this: T) {
      const collection = await source.collect();
      this.reset();
      if (collection.ok) apply(this, collection.snapshot);
    };
  }

  new Gauge({
    name: 'pipewatch_dag_last_success_interval_end_seconds',
    help: "Data interval end (else logical date, else run_after) of the DAG's latest successful run, as Unix seconds; absent until a run succeeds. Judge deadlines and staleness on this, not on when the success was recorded.",
    labelNames: ['dag_id'],
    registers,
    collect: fill<DagGauge>((family, { dags }) => {
      for (const dag of dags) if (dag.lastSuccessIntervalEnd !== undefined) family.set({ dag_id: dag.dagId }, dag.lastSuccessIntervalEnd);
    }),
  });

  new Gauge({
    name: 'pipewatch_dag_last_finished_interval_end_seconds',
    help: "Data interval end (else logical date, else run_after) of the DAG's latest finished (success or failed) run, as Unix seconds; absent until a run finishes.",
    labelNames: ['dag_id'],
    registers,
    collect: fill<DagGauge>((family, { dags }) => {
      for (const dag of dags) if (dag.lastFinishedIntervalEnd !== undefined) family.set({ dag_id: dag.dagId }, dag.lastFinishedIntervalEnd);
    }),
  });

  new Gauge({
    name: 'pipewatch_dag_last_run_failed',
    help: "1 if the DAG's latest finished run (ordered by data interval end, else logical date, else run_after) failed, else 0; it returns to 0 only when a later run succeeds.",
    labelNames: ['dag_id'],
    registers,
    collect: fill<DagGauge>((family, { dags }) => {
      for (const dag of dags) family.set({ dag_id: dag.dagId }, dag.lastRunFailed ? 1 : 0);
    }),
  });

  // The database holds the counts, so the counters survive exporter restarts; every DAG has both series from 0.
  new Counter({
    name: 'pipewatch_dag_runs_finished_total',
    help: "DAG runs in a finished state (success, failed), counted in Airflow's metadata database; present at 0 before the first such run.",
    labelNames: ['dag_id', 'state'],
    registers,
    collect: fill<Counter<'dag_id' | 'state'>>((family, { dags }) => {
      for (const dag of dags) {
        family.inc({ dag_id: dag.dagId, state: 'success' }, dag.finished.success);
        family.inc({ dag_id: dag.dagId, state: 'failed' }, dag.finished.failed);
      }
    }),
  });

  new Gauge({
    name: 'pipewatch_dag_runs_active',
    help: 'DAG runs now running or queued.',
    labelNames: ['dag_id', 'state'],
    registers,
    collect: fill<DagStateGauge>((family, { dags }) => {
      for (const dag of dags) {
        family.set({ dag_id: dag.dagId, state: 'running' }, dag.active.running);
        family.set({ dag_id: dag.dagId, state: 'queued' }, dag.active.queued);
      }
    }),
  });

  new Gauge({
    name: 'pipewatch_dag_paused',
    help: '1 if the DAG is paused in Airflow, else 0.',
    labelNames: ['dag_id'],
    registers,
    collect: fill<DagGauge>((family, { dags }) => {
      for (const dag of dags) family.set({ dag_id: dag.dagId }, dag.paused ? 1 : 0);
    }),
  });

  new Gauge({
    name: 'pipewatch_task_running_since_seconds',
    help: 'Earliest start of the task instances of this task now in state running (mapped instances collapse), as Unix seconds; absent when none runs.',
    labelNames: ['dag_id', 'task_id'],
    registers,
    collect: fill<Gauge<'dag_id' | 'task_id'>>((family, { runningTasks }) => {
      for (const task of runningTasks) family.set({ dag_id: task.dagId, task_id: task.taskId }, task.runningSince);
    }),
  });

  new Gauge({
    name: 'pipewatch_airflow_db_up',
    help: "1 if the latest query of Airflow's metadata database succeeded, else 0 (then the DAG families are not published).",
    registers,
    async collect() {
      this.set((await source.collect()).ok ? 1 : 0);
    },
  });

  new Gauge({
    name: 'pipewatch_airflow_db_query_duration_seconds',
    help: "Seconds the latest query of Airflow's metadata database took, failed ones included.",
    registers,
    async collect() {
      this.set((await source.collect()).durationSeconds);
    },
  });

  return registry;
}
