import { Duration } from '../duration';
import { RUN_SERIES } from '../metrics/catalog';
import { PIPELINE_ALERTS } from './alert-names';
import { AlertDraft } from '../rules/alert-links';
import { runDurationRecord, RunDurationWindow } from '../rules/pipeline-recording';
import { batchSlo, BudgetSpeed, budgetTiers, MIN_RUNS, percentOf } from './batch-slo';
import { eventsInWindow } from './event-count';
import { Schedule } from './schedule';
import { PipelineSpec, Severity } from './spec';

/** Failed data-quality checks keep their alert firing this long. */
export const EVENT_WINDOW = '1h';
/** How far before the event window a counter's old value is looked for: scrape gaps up to this long page nothing. */
export const EVENT_HISTORY = '1d';
/**
 * State gauges are read through last_over_time over this range: a failed
 * scrape (exporter restart) marks series stale, and an alert must not
 * resolve and fire again for it. A new value still counts at once.
 */
export const STATE_LOOKBACK = '10m';
/** Time the exporter must be up without the DAG before "Airflow does not know it" fires. */
export const UNKNOWN_DAG_FOR = '15m';
/** A run is a regression when its recent average exceeds its own history by this factor. */
export const DURATION_REGRESSION_FACTOR = 1.5;
/** A task is long-running past this multiple of its expected duration. */
export const TASK_LONG_RUNNING_FACTOR = 2;

const DEFAULT_SEVERITY: Readonly<Record<keyof NonNullable<PipelineSpec['severity']>, Severity>> = {
  runFailed: 'critical',
  deadlineMissed: 'critical',
  dataStale: 'warning',
  dataQuality: 'warning',
  durationRegression: 'warning',
  budgetBurnFast: 'critical',
  budgetBurnSlow: 'warning',
  metricsAbsent: 'warning',
};

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };
const leastSevere = (a: Severity, b: Severity): Severity => (RANK[a] <= RANK[b] ? a : b);

/** statsd_exporter's own start time: its restarts drop every StatsD counter. */
const STATSD_START = 'process_start_time_seconds{job="statsd-exporter"}';

/** Selector with equality matchers; the values are validated label-safe names. */
function selector(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

/** Builds the alert drafts of one validated pipeline. */
export class PipelineAlertBuilder {
  private readonly dag: Readonly<Record<string, string>>;

  constructor(
    private readonly spec: PipelineSpec,
    private readonly schedule: Schedule,
  ) {
    this.dag = { dag_id: spec.dagId };
  }

  drafts(): AlertDraft[] {
    return [
      this.runFailed(),
      ...this.deadlineMissed(),
      ...this.dataStale(),
      ...this.dataQualityCheckFailed(),
      ...this.dataCompletenessLow(),
      this.durationRegression(),
      ...this.taskLongRunning(),
      this.metricsAbsent(),
      ...this.errorBudgetBurn('fast'),
      ...this.errorBudgetBurn('slow'),
    ];
  }

  private severity(kind: keyof typeof DEFAULT_SEVERITY): Severity {
    return this.spec.severity?.[kind] ?? DEFAULT_SEVERITY[kind];
  }

  private labels(kind: keyof typeof DEFAULT_SEVERITY, extra: Readonly<Record<string, string>> = {}) {
    return { severity: this.severity(kind), team: this.spec.ownerTeam, dag_id: this.spec.dagId, ...extra };
  }

  /** A state gauge of this DAG, bridged over a failed scrape or two. */
  private state(metric: string): string {
    return `max by (dag_id) (last_over_time(${selector(metric, this.dag)}[${STATE_LOOKBACK}]))`;
  }

  /** Fires while the latest finished run failed; its value is that run's data interval end. */
  private runFailed(): AlertDraft {
    return {
      alert: PIPELINE_ALERTS.runFailed,
      expr: `${this.state(RUN_SERIES.lastFinished)} and on (dag_id) (${this.state(RUN_SERIES.lastRunFailed)} == 1)`,
      labels: this.labels('runFailed'),
      summary: 'Pipeline {{ $labels.dag_id }} has a failed run',
      description: `The latest run of {{ $labels.dag_id }} (data interval ending {{ $value | humanizeTimestamp }}) failed. Downstream data may be missing until a later run succeeds (owner: ${this.spec.ownerTeam}).`,
      dashboard: 'pipelineDetail',
    };
  }

  /**
   * The interval after the last successful one is due at its end plus one
   * period plus the deadline; past that, the alert fires and keeps firing
   * until a newer interval succeeds (no reset at the top of the period). The
   * value is the overdue interval's scheduled time. A paused DAG misses no
   * deadline (its data goes stale instead), and once unpaused its first run
   * gets one deadline's worth of time. A DAG that never succeeded has no
   * interval to count from: PipelineRunFailed and PipelineDataStale cover it.
   */
  private deadlineMissed(): AlertDraft[] {
    const { deadline } = this.spec;
    if (deadline === undefined || this.schedule.kind !== 'periodic') return [];
    const { periodSeconds } = this.schedule;
    return [
      {
        alert: PIPELINE_ALERTS.deadlineMissed,
        expr:
          `${this.state(RUN_SERIES.lastSuccess)} + ${periodSeconds} < time() - ${deadline.toSeconds()}` +
          ` unless on (dag_id) (max_over_time(${selector('pipewatch_dag_paused', this.dag)}[${deadline.toPromDuration()}]) == 1)`,
        labels: this.labels('deadlineMissed'),
        summary: 'Pipeline {{ $labels.dag_id }} missed its deadline',
        description: `The run of {{ $labels.dag_id }} for the interval ending {{ $value | humanizeTimestamp }} (schedule "${this.spec.schedule}", UTC) has not succeeded within ${deadline} of it.`,
        dashboard: 'slaFreshness',
      },
    ];
  }

  /**
   * Data age judged on the data interval of the latest success. A DAG Airflow
   * has known for longer than maxStaleness without any success is stale too
   * (its value is then maxStaleness: "at least").
   */
  private dataStale(): AlertDraft[] {
    const { maxStaleness } = this.spec;
    if (maxStaleness === undefined) return [];
    const limit = maxStaleness.toSeconds();
    const succeeded = selector(RUN_SERIES.finished, { ...this.dag, state: 'success' });
    const knownBefore = `max by (dag_id) (last_over_time(${succeeded}[${STATE_LOOKBACK}] offset ${maxStaleness.toPromDuration()}))`;
    const neverSucceeded = `(${knownBefore} * 0 + ${limit}) unless on (dag_id) (max by (dag_id) (${succeeded}) > 0)`;
    return [
      {
        alert: PIPELINE_ALERTS.dataStale,
        expr: `(time() - ${this.state(RUN_SERIES.lastSuccess)} > ${limit}) or (${neverSucceeded})`,
        labels: this.labels('dataStale'),
        summary: 'Data of pipeline {{ $labels.dag_id }} is stale',
        description: `{{ $labels.dag_id }} has had no successful data interval for {{ $value | humanizeDuration }}; the allowed maximum is ${maxStaleness}.`,
        dashboard: 'slaFreshness',
      },
    ];
  }

  private dataQualityCheckFailed(): AlertDraft[] {
    if ((this.spec.dataQualityChecks ?? []).length === 0) return [];
    return [
      {
        alert: PIPELINE_ALERTS.dataQualityCheckFailed,
        // Every check of the DAG, declared or not: a new check must not fail silently.
        expr: eventsInWindow({
          counter: selector('pipewatch_dq_checks_failed_total', this.dag),
          by: 'dag_id, check',
          window: EVENT_WINDOW,
          windowSeconds: Duration.parse(EVENT_WINDOW).toSeconds(),
          history: EVENT_HISTORY,
          processStart: STATSD_START,
        }),
        labels: this.labels('dataQuality'),
        summary: 'Data-quality check {{ $labels.check }} of {{ $labels.dag_id }} failed',
        description: 'Check {{ $labels.check }} of pipeline {{ $labels.dag_id }} failed {{ $value | printf "%.0f" }} time(s) in the last hour.',
        dashboard: 'dataQuality',
      },
    ];
  }

  private dataCompletenessLow(): AlertDraft[] {
    // One alert per dataset, at the strictest minimum any of its checks asks for.
    const minimumByDataset = new Map<string, number>();
    for (const check of this.spec.dataQualityChecks ?? []) {
      if (check.minCompleteness === undefined) continue;
      minimumByDataset.set(check.dataset, Math.max(check.minCompleteness, minimumByDataset.get(check.dataset) ?? 0));
    }
    return [...minimumByDataset].map(([dataset, minimum]) => ({
      alert: PIPELINE_ALERTS.dataCompletenessLow,
      expr: `min by (dag_id, dataset) (${selector('pipewatch_dq_completeness_ratio', { ...this.dag, dataset })}) < ${minimum}`,
      labels: this.labels('dataQuality', { dataset }),
      summary: 'Dataset {{ $labels.dataset }} of {{ $labels.dag_id }} is incomplete',
      description: `Only {{ $value | humanizePercentage }} of the expected records of {{ $labels.dataset }} are present; the minimum is ${percentOf(minimum)}.`,
      dashboard: 'dataQuality',
    }));
  }

  /** Recent runs against the DAG's own 7-day history, never below its expected duration. */
  private durationRegression(): AlertDraft {
    const recent = this.recentWindow();
    const recentAvg = selector(runDurationRecord(recent), this.dag);
    return {
      alert: PIPELINE_ALERTS.durationRegression,
      expr: `${recentAvg} > ${DURATION_REGRESSION_FACTOR} * ${selector(runDurationRecord('7d'), this.dag)} and ${recentAvg} > ${this.spec.expectedDuration.toSeconds()}`,
      labels: this.labels('durationRegression'),
      summary: 'Pipeline {{ $labels.dag_id }} runs slower than usual',
      description: `Successful runs of {{ $labels.dag_id }} took {{ $value | humanizeDuration }} on average over the last ${recent}, over ${DURATION_REGRESSION_FACTOR}x their 7-day average and over the expected ${this.spec.expectedDuration}.`,
      dashboard: 'performance',
    };
  }

  /** The shortest recorded window that normally holds a run: 1h for hourly or faster DAGs, else 1d. */
  private recentWindow(): RunDurationWindow {
    return this.schedule.kind === 'periodic' && this.schedule.periodSeconds <= 3600 ? '1h' : '1d';
  }

  /**
   * Seen while the task still runs: the exporter publishes its start time
   * until it ends. The series vanishes when the task ends and also for the
   * failed scrape of an exporter restart; only in the second case (no
   * pipewatch_airflow_db_up sample either) is the last start time kept.
   */
  private taskLongRunning(): AlertDraft[] {
    return this.spec.tasks.map((task) => {
      const since = selector(RUN_SERIES.taskRunningSince, { ...this.dag, task_id: task.taskId });
      const limit = TASK_LONG_RUNNING_FACTOR * task.expectedDuration.toSeconds();
      const runningFor = (startTimes: string) => `time() - min by (dag_id, task_id) (${startTimes}) > ${limit}`;
      return {
        alert: PIPELINE_ALERTS.taskLongRunning,
        expr: `${runningFor(since)} or (${runningFor(`last_over_time(${since}[${STATE_LOOKBACK}])`)} unless on () pipewatch_airflow_db_up)`,
        labels: this.labels('durationRegression', { task_id: task.taskId }),
        summary: 'Task {{ $labels.task_id }} of {{ $labels.dag_id }} runs long',
        description: `Task {{ $labels.task_id }} of {{ $labels.dag_id }} has been running for {{ $value | humanizeDuration }}, over ${TASK_LONG_RUNNING_FACTOR}x its expected ${task.expectedDuration}.`,
        dashboard: 'performance',
      };
    });
  }

  /**
   * Airflow (through the exporter) does not know the DAG: its run counters
   * exist from 0 for every DAG in the metadata database, so absence means the
   * file is not deployed, failed to import, or the dag_id changed. Only while
   * the exporter reads the database: an exporter outage is TargetDown's.
   */
  private metricsAbsent(): AlertDraft {
    return {
      alert: PIPELINE_ALERTS.metricsAbsent,
      expr: `absent(${selector(RUN_SERIES.finished, this.dag)}) and on () (max(pipewatch_airflow_db_up) == 1)`,
      for: UNKNOWN_DAG_FOR,
      labels: this.labels('metricsAbsent'),
      summary: 'Airflow does not know pipeline {{ $labels.dag_id }}',
      description: `Airflow's metadata database has had no DAG {{ $labels.dag_id }} for ${UNKNOWN_DAG_FOR}: its file is not deployed, failed to import, or the dag_id was renamed.`,
      dashboard: 'slaFreshness',
    };
  }

  /**
   * Failure ratio over the tier's lookback, from the durable run counters
   * (failed / all finished over the same range: increase()'s extrapolation
   * cancels). At least MIN_RUNS runs must have finished in the lookback; the
   * count is compared with MIN_RUNS − 0.5 because increase() extrapolates a
   * whole count by a hair either way. Never more severe than a failed run.
   */
  private errorBudgetBurn(speed: BudgetSpeed): AlertDraft[] {
    if (this.schedule.kind !== 'periodic') return [];
    const slo = batchSlo(this.spec, this.schedule.periodSeconds);
    const tier = budgetTiers(slo, this.schedule.periodSeconds).find((t) => t.speed === speed);
    if (tier === undefined) return [];
    const range = tier.lookback.toPromDuration();
    const runs = (labels: Record<string, string>) => `sum by (dag_id) (increase(${selector(RUN_SERIES.finished, { ...this.dag, ...labels })}[${range}]))`;
    const fast = speed === 'fast';
    const kind = fast ? 'budgetBurnFast' : 'budgetBurnSlow';
    const spentWithin = Duration.seconds(slo.window.toSeconds() / (fast ? 4 : 1));
    return [
      {
        alert: fast ? PIPELINE_ALERTS.errorBudgetBurnFast : PIPELINE_ALERTS.errorBudgetBurnSlow,
        expr: `${runs({ state: 'failed' })} / ${runs({})} >= ${tier.ratio} and on (dag_id) ${runs({})} >= ${MIN_RUNS - 0.5}`,
        labels: { ...this.labels(kind), severity: leastSevere(this.severity(kind), this.severity('runFailed')) },
        summary: `Pipeline {{ $labels.dag_id }} ${fast ? 'burns its error budget fast' : 'will run out of error budget'}`,
        description:
          `{{ $value | humanizePercentage }} of the runs of {{ $labels.dag_id }} in the last ${range} failed (at least ${MIN_RUNS} runs); ` +
          `at this rate the budget of ${slo.budgetRuns} failed runs (${percentOf(slo.successRatio)} over ${slo.window}) is spent within ${spentWithin}.`,
        dashboard: 'pipelineDetail',
      },
    ];
  }
}
