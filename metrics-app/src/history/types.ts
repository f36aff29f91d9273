import { RunRecord } from '../model/events';
import { FinishedRunsState } from '../model/run-state';

/** One row of the pipeline_runs table; timestamps are pipeline time. */
export interface HistoryRow {
  /** Identifies one life of the simulator, so a restart replaying the same schedule never collides. */
  readonly simulationId: string;
  readonly dagId: string;
  readonly runId: string;
  readonly state: 'success' | 'failed';
  readonly scheduledAt: Date;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationSeconds: number;
  readonly rowsProcessed: number;
  readonly taskRetries: number;
  readonly failedTaskId: string | null;
  readonly dqChecksFailed: number;
  readonly scenario: string | null;
  /**
   * Wall-clock time the run finished (finished_at seen through the time scale and
   * fast-forwards): `finished_at - recorded_at` is how far pipeline time ran
   * ahead of the wall clock, which a restarted simulator resumes.
   */
  readonly recordedAt: Date;
}

export function toHistoryRow(simulationId: string, run: RunRecord, recordedAt: Date): HistoryRow {
  return {
    simulationId,
    dagId: run.dagId,
    runId: run.runId,
    state: run.state,
    scheduledAt: new Date(run.scheduledAtMs),
    startedAt: new Date(run.startedAtMs),
    finishedAt: new Date(run.finishedAtMs),
    durationSeconds: run.durationSeconds,
    rowsProcessed: run.rowsProcessed,
    taskRetries: run.taskRetries,
    failedTaskId: run.failedTaskId ?? null,
    dqChecksFailed: run.dataQuality.filter((r) => !r.passed).length,
    scenario: run.scenario ?? null,
    recordedAt,
  };
}

export interface RecentRunsQuery {
  readonly limit: number;
  readonly dagId?: string;
}

/** Where the app sends finished runs. `record` never throws and never waits: the model must keep running. */
export interface RunHistory {
  record(row: HistoryRow): void;
  /** Newest first (by finish time). */
  recent(query: RecentRunsQuery): Promise<HistoryRow[]>;
  /** Ready to accept rows: for PostgreSQL, the migration has run. */
  isReady(): boolean;
  /** Writes what it can within `timeoutMs`, then releases connections. */
  close(timeoutMs?: number): Promise<void>;
}

/** What the history says about the simulated DAGs' finished runs, and how far pipeline time had run ahead. */
export interface RestoredRunState {
  readonly dags: ReadonlyMap<string, FinishedRunsState>;
  /** Largest `finished_at - recorded_at`: the lead of pipeline time over the wall clock to resume (0 when none). */
  readonly clockLeadMs: number;
}
