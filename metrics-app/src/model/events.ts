import { ScenarioKind } from '../scenarios';

/** Final states of a task try, as Airflow reports them in `ti.finish.<dag>.<task>.<state>`. */
export type TaskState = 'success' | 'failed' | 'up_for_retry' | 'upstream_failed';

export interface RunStarted {
  readonly kind: 'run_started';
  readonly dagId: string;
  readonly runId: string;
  readonly scheduledAtMs: number;
  readonly startedAtMs: number;
  readonly scheduleDelaySeconds: number;
  readonly dependencyCheckSeconds: number;
}

export interface TaskFinished {
  readonly kind: 'task_finished';
  readonly dagId: string;
  readonly taskId: string;
  readonly operator: string;
  readonly state: TaskState;
  readonly tryNumber: number;
  /** 0 for upstream_failed: the task never ran. */
  readonly durationSeconds: number;
  /** Warehouse query time of the try; absent when the task never ran. */
  readonly warehouseQuerySeconds?: number;
}

export interface DataQualityResult {
  readonly check: string;
  readonly dataset: string;
  readonly passed: boolean;
  /** Share of expected records present (0-1). */
  readonly completeness: number;
  readonly schemaViolations: number;
}

/** One finished DAG run: what the history table stores. */
export interface RunRecord {
  readonly dagId: string;
  readonly runId: string;
  readonly state: 'success' | 'failed';
  readonly scheduledAtMs: number;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly durationSeconds: number;
  readonly rowsProcessed: number;
  readonly bytesWritten: number;
  readonly taskRetries: number;
  readonly failedTaskId?: string;
  readonly dataQuality: readonly DataQualityResult[];
  /** Scenario in force when the run finished. */
  readonly scenario?: ScenarioKind;
}

export interface RunFinished {
  readonly kind: 'run_finished';
  readonly run: RunRecord;
}

/** Heartbeats the Airflow components sent since the previous step. */
export interface Heartbeats {
  readonly kind: 'heartbeats';
  readonly scheduler: number;
  readonly triggerer: number;
}

export type SimulationEvent = RunStarted | TaskFinished | RunFinished | Heartbeats;
