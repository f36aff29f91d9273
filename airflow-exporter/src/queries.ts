/**
 * The SQL the exporter runs against Airflow 3.1's metadata database, and the
 * snapshot built from it. Column names follow airflow/models/dag.py,
 * dagrun.py and taskinstance.py of Airflow 3.1.8.
 *
 * A run's place in time is its data interval end, then its logical date
 * (NULL for many Airflow 3 manual runs), then run_after (never NULL): a run
 * is judged by the data it covers, not by when it happened to finish.
 */

/** DAGs the dag-processor still finds in a bundle; a removed DAG file marks its DAG stale. */
const LIVE_DAG = 'd.is_stale IS NOT TRUE';

const RUN_KEY = 'COALESCE(r.data_interval_end, r.logical_date, r.run_after)';

/** One row per live DAG, including DAGs without any run (their counts are 0). */
export const DAG_RUNS_SQL = `
SELECT d.dag_id,
       COALESCE(d.is_paused, false) AS is_paused,
       COUNT(r.id) FILTER (WHERE r.state = 'success') AS success,
       COUNT(r.id) FILTER (WHERE r.state = 'failed') AS failed,
       COUNT(r.id) FILTER (WHERE r.state = 'running') AS running,
       COUNT(r.id) FILTER (WHERE r.state = 'queued') AS queued,
       EXTRACT(EPOCH FROM MAX(${RUN_KEY}) FILTER (WHERE r.state = 'success'))::float8 AS last_success,
       EXTRACT(EPOCH FROM MAX(${RUN_KEY}) FILTER (WHERE r.state IN ('success', 'failed')))::float8 AS last_finished,
       (ARRAY_AGG(r.state ORDER BY ${RUN_KEY} DESC, r.end_date DESC NULLS LAST, r.id DESC)
          FILTER (WHERE r.state IN ('success', 'failed')))[1] AS last_finished_state
FROM dag d
LEFT JOIN dag_run r ON r.dag_id = d.dag_id
WHERE ${LIVE_DAG}
GROUP BY d.dag_id, d.is_paused
ORDER BY d.dag_id`;

/** Mapped task instances of one task collapse into its earliest start. */
export const RUNNING_TASKS_SQL = `
SELECT ti.dag_id, ti.task_id, EXTRACT(EPOCH FROM MIN(ti.start_date))::float8 AS running_since
FROM task_instance ti
JOIN dag d ON d.dag_id = ti.dag_id
WHERE ti.state = 'running' AND ti.start_date IS NOT NULL AND ${LIVE_DAG}
GROUP BY ti.dag_id, ti.task_id
ORDER BY ti.dag_id, ti.task_id`;

export interface DagRow {
  readonly dag_id: string;
  readonly is_paused: boolean;
  /** COUNT(*) arrives as a string (bigint). */
  readonly success: string;
  readonly failed: string;
  readonly running: string;
  readonly queued: string;
  readonly last_success: number | null;
  readonly last_finished: number | null;
  readonly last_finished_state: string | null;
}

export interface RunningTaskRow {
  readonly dag_id: string;
  readonly task_id: string;
  readonly running_since: number;
}

export interface DagState {
  readonly dagId: string;
  readonly paused: boolean;
  readonly finished: { readonly success: number; readonly failed: number };
  readonly active: { readonly running: number; readonly queued: number };
  /** Unix seconds; absent when the DAG has no such run. */
  readonly lastSuccessIntervalEnd?: number;
  readonly lastFinishedIntervalEnd?: number;
  readonly lastRunFailed: boolean;
}

export interface RunningTask {
  readonly dagId: string;
  readonly taskId: string;
  readonly runningSince: number;
}

export interface Snapshot {
  readonly dags: readonly DagState[];
  readonly runningTasks: readonly RunningTask[];
}

export function toSnapshot(dags: readonly DagRow[], tasks: readonly RunningTaskRow[]): Snapshot {
  return {
    dags: dags.map((row) => ({
      dagId: row.dag_id,
      paused: row.is_paused,
      finished: { success: Number(row.success), failed: Number(row.failed) },
      active: { running: Number(row.running), queued: Number(row.queued) },
      ...(row.last_success !== null ? { lastSuccessIntervalEnd: row.last_success } : {}),
      ...(row.last_finished !== null ? { lastFinishedIntervalEnd: row.last_finished } : {}),
      lastRunFailed: row.last_finished_state === 'failed',
    })),
    runningTasks: tasks.map((row) => ({ dagId: row.dag_id, taskId: row.task_id, runningSince: row.running_since })),
  };
}
