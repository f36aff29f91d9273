/**
 * What a DAG's finished runs add up to, as Airflow's metadata database holds
 * it: the simulator restores it from its run history at start, so the state
 * families survive restarts like the exporter's do. Times are pipeline time.
 */
export interface FinishedRunsState {
  readonly succeeded: number;
  readonly failed: number;
  /** Scheduled time (= data interval end) and finish of the latest successful run; absent when none succeeded. */
  readonly lastSuccess?: { readonly scheduledAtMs: number; readonly finishedAtMs: number };
  /** Scheduled time of the latest finished run, either state; absent when none finished. */
  readonly lastFinishedScheduledAtMs?: number;
  /** Whether the latest finished run (by scheduled time) failed. */
  readonly lastRunFailed: boolean;
}

/** Per-DAG state published as the Airflow exporter's families. */
export interface DagRunSnapshot extends FinishedRunsState {
  readonly dagId: string;
  /** The run in progress: queued until its first task starts, then running. */
  readonly activeRun?: 'queued' | 'running';
  /** The task whose try is running now, and since when. */
  readonly runningTask?: { readonly taskId: string; readonly sinceMs: number };
}
