import { Duration } from '../duration';

/** The SLO of a pipeline whose spec sets none. */
export const DEFAULT_SLO = { successRatio: 0.99, window: Duration.days(28) } as const;

export type Severity = 'critical' | 'warning' | 'info';

/** Which severity each kind of pipeline alert carries. */
export interface SeverityPolicy {
  /** @default 'critical' */
  readonly runFailed?: Severity;
  /** @default 'critical' */
  readonly deadlineMissed?: Severity;
  /** @default 'warning' */
  readonly dataStale?: Severity;
  /** @default 'warning' */
  readonly dataQuality?: Severity;
  /** Also used for the long-running-task alert. @default 'warning' */
  readonly durationRegression?: Severity;
  /** Error budget gone within a quarter of the SLO window at this rate; never above runFailed. @default 'critical' */
  readonly budgetBurnFast?: Severity;
  /** Error budget gone before the SLO window ends at this rate; never above runFailed. @default 'warning' */
  readonly budgetBurnSlow?: Severity;
  /** Airflow's metadata database does not know the DAG. @default 'warning' */
  readonly metricsAbsent?: Severity;
}

export interface DataQualityCheck {
  /** Check name as sent in the `check` label, e.g. `orders_not_null`; Airflow's key rule (letters, digits, `_`, `-`, `.`). */
  readonly name: string;
  /** Dataset the check covers, e.g. `warehouse_orders`; Airflow's key rule (letters, digits, `_`, `-`, `.`). */
  readonly dataset: string;
  /** Alert when completeness drops below this ratio (0-1). @default - no completeness alert */
  readonly minCompleteness?: number;
}

export interface TaskSpec {
  readonly taskId: string;
  /** Typical duration, used by the simulator and the long-running-task alert. */
  readonly expectedDuration: Duration;
}

/** Plain typed data describing one pipeline (one Airflow DAG) and what "healthy" means for it. */
export interface PipelineSpec {
  /** Airflow dag_id: letters, digits, `_`, `-` and `.` (e.g. `finance.daily_revenue`), up to 250. */
  readonly dagId: string;
  /** Cron expression or Airflow preset (`@hourly`, `@daily`). */
  readonly schedule: string;
  /** Team that owns the pipeline; routes its alerts. */
  readonly ownerTeam: string;
  /** Latest acceptable finish, measured from the scheduled time (the run's data interval end). @default - no deadline alert */
  readonly deadline?: Duration;
  /** Oldest acceptable data (time since the data interval end of the last successful run). @default - no staleness alert */
  readonly maxStaleness?: Duration;
  /** Typical run duration; a run much longer than its own history is flagged. */
  readonly expectedDuration: Duration;
  /** @default - see SeverityPolicy */
  readonly severity?: SeverityPolicy;
  /** @default [] */
  readonly dataQualityChecks?: readonly DataQualityCheck[];
  /** dag_ids this pipeline reads from; their failures inhibit this pipeline's stale/deadline alerts. @default [] */
  readonly upstream?: readonly string[];
  /** Tasks in run order. */
  readonly tasks: readonly TaskSpec[];
  /** Target share of successful runs. @default DEFAULT_SLO: 0.99 over 28 days */
  readonly slo?: { readonly successRatio: number; readonly window?: Duration };
  /** Free-form description shown in dashboards and alert text. */
  readonly description?: string;
}
