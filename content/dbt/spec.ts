import { Duration } from '../duration';
import { Severity } from '../pipeline/spec';
import { DbtSelectors } from './selection';

/** Which severity each kind of dbt alert carries. */
export interface DbtSeverityPolicy {
  /** A model's statement failed. @default 'critical' */
  readonly modelFailed?: Severity;
  /** A test dbt runs with `severity: error` failed (or could not run). @default 'critical' */
  readonly testError?: Severity;
  /** A test dbt runs with `severity: warn` found failing rows. @default 'warning' */
  readonly testWarn?: Severity;
  /** A source is older than its `error_after`. @default 'critical' */
  readonly sourceFreshnessError?: Severity;
  /** A source is older than its `warn_after`. @default 'warning' */
  readonly sourceFreshnessWarn?: Severity;
  /** A model runs much slower than its own history. @default 'warning' */
  readonly durationRegression?: Severity;
  /** A model wrote far more or fewer rows than at the same hour of past weeks. @default 'warning' */
  readonly volumeAnomaly?: Severity;
  /** A source was loaded later than at the same hour of past weeks. @default 'warning' */
  readonly freshnessAnomaly?: Severity;
  /** A model's columns changed. @default 'info' */
  readonly schemaChanged?: Severity;
}

/**
 * One dbt project run against one target, as pipewatch monitors it. Per-model
 * and per-source thresholds stay in the dbt project (source `freshness`, test
 * `severity`): they reach Prometheus as series, so nothing per model is
 * written into the rules.
 */
export interface DbtProjectSpec {
  /** The dbt project's `name` (dbt_project.yml): the `project` label of its metrics. */
  readonly project: string;
  /** Directory of the dbt project, relative to where dbt runs (e.g. `dbt/shop`). */
  readonly path: string;
  /** The dbt target (profile output) the monitored invocations run against: the `target` label. */
  readonly target: string;
  /** Team that owns the project; routes its alerts. */
  readonly ownerTeam: string;
  /**
   * The part of the project the monitored invocations run: the DAG passes it
   * to `dbt build` and `dbt source freshness`, and the alerts name it.
   * @default - the whole project (or selectors.yml's `default: true` selector)
   */
  readonly selectors?: DbtSelectors;
  /** @default - see DbtSeverityPolicy */
  readonly severity?: DbtSeverityPolicy;
  /** A model is slow when its latest run exceeds its 7-day average by this factor. @default 1.5 */
  readonly durationRegressionFactor?: number;
  /** ...and takes at least this long: sub-minute models vary too much to page about. @default 1 minute */
  readonly minRegressionDuration?: Duration;
}
