import { Duration } from '../duration';
import { RUN_SERIES } from '../metrics/catalog';
import { PIPELINE_ALERTS } from './alert-names';
import { AlertDraft } from '../rules/alert-links';
import { runDurationRecord, RunDurationWindow } from '../rules/pipeline-recording';
import { BudgetSpeed, MIN_RUNS } from './batch-slo';
import { eventsInWindow } from './event-count';
import { DEFAULT_SEVERITY, SeverityKind, THRESHOLD_SERIES as T, ThresholdSample } from './thresholds';

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

/** statsd_exporter's own start time: its restarts drop every StatsD counter. */
const STATSD_START = 'process_start_time_seconds{job="statsd-exporter"}';

/** A state gauge of every DAG, bridged over a failed scrape or two. */
const state = (metric: string) => `max by (dag_id) (last_over_time(${metric}[${STATE_LOOKBACK}]))`;

/**
 * The pipeline's `team` and its `severity` for this kind of alert, one
 * series per monitored DAG: the spec's own severity where it set one, else
 * the default. Joining it also limits an alert to the monitored pipelines.
 */
const route = (kind: SeverityKind) =>
  `(${T.severity}{policy="${kind}"} or on (dag_id) label_replace(${T.info}, "severity", "${DEFAULT_SEVERITY[kind]}", "", ""))`;

/** The condition's series (value kept: the route is 1) labelled with team and severity. */
const routed = (condition: string, kind: SeverityKind) => `(${condition}) * on (dag_id) group_left (team, severity) ${route(kind)}`;

/**
 * Alert text that quotes a pipeline's own threshold as its spec wrote it:
 * the template reads the labels of the alert's threshold series (`keys` are
 * the alert labels that pick it), e.g. `spec('deadline')`.
 */
function withThresholdLabels(metric: string, keys: readonly string[], text: (spec: (label: string) => string) => string, fixed: readonly string[] = []): string {
  const picked = `${metric}{${[...fixed, ...keys.map((k) => `${k}=%q`)].join(', ')}}`;
  const args = keys.map((k) => `$labels.${k}`).join(' ');
  // A raw (backquoted) template string: the selector's own quotes need no escaping.
  return `{{ with printf \`${picked}\` ${args} | query }}{{ with first . }}${text((label) => `{{ label "${label}" . }}`)}{{ end }}{{ end }}`;
}

/**
 * One rule over every pipeline: the terms (one per distinct range literal,
 * each selecting its own pipelines) joined with `or`; none without terms.
 */
function onePerCatalog(terms: readonly string[], rule: (condition: string) => AlertDraft): AlertDraft[] {
  return terms.length === 0 ? [] : [rule(terms.map((t) => `(${t})`).join(' or '))];
}

/** The distinct values of one label of the given threshold series, in first-seen order. */
function distinct(samples: readonly ThresholdSample[], series: string, label: string): string[] {
  return [...new Set(samples.filter((s) => s.series === series).map((s) => s.labels[label]))];
}

/**
 * The pipeline alerts, written once for every pipeline: each joins the
 * threshold series (./thresholds.ts) on `dag_id`. Where PromQL needs a range
 * literal, the rule has one term per distinct value the catalog uses.
 */
export class PipelineAlertBuilder {
  /** @param thresholds the threshold samples of every monitored pipeline */
  constructor(private readonly thresholds: readonly ThresholdSample[]) {}

  drafts(): AlertDraft[] {
    return [
      this.runFailed(),
      ...this.deadlineMissed(),
      ...this.dataStale(),
      this.dataQualityCheckFailed(),
      this.dataCompletenessLow(),
      ...this.durationRegression(),
      this.taskLongRunning(),
      this.metricsAbsent(),
      ...this.errorBudgetBurn('fast'),
      ...this.errorBudgetBurn('slow'),
    ];
  }

  /** Fires while the latest finished run failed; its value is that run's data interval end. */
  private runFailed(): AlertDraft {
    return {
      alert: PIPELINE_ALERTS.runFailed,
      expr: routed(`${state(RUN_SERIES.lastFinished)} and on (dag_id) (${state(RUN_SERIES.lastRunFailed)} == 1)`, 'runFailed'),
      summary: 'Pipeline {{ $labels.dag_id }} has a failed run',
      description: 'The latest run of {{ $labels.dag_id }} (data interval ending {{ $value | humanizeTimestamp }}) failed. Downstream data may be missing until a later run succeeds (owner: {{ $labels.team }}).',
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
   * The pause window is a range literal: one term per distinct deadline.
   */
  private deadlineMissed(): AlertDraft[] {
    const byDeadline = distinct(this.thresholds, T.deadline, 'deadline').map(
      (deadline) =>
        `${state(RUN_SERIES.lastSuccess)} + on (dag_id) ${T.period} < on (dag_id) (time() - ${T.deadline}{deadline="${deadline}"})` +
        ` unless on (dag_id) (max_over_time(pipewatch_dag_paused[${deadline}]) == 1)`,
    );
    return onePerCatalog(byDeadline, (condition) => ({
      alert: PIPELINE_ALERTS.deadlineMissed,
      expr: routed(condition, 'deadlineMissed'),
      summary: 'Pipeline {{ $labels.dag_id }} missed its deadline',
      description: withThresholdLabels(
        T.deadline,
        ['dag_id'],
        (spec) => `The run of {{ $labels.dag_id }} for the interval ending {{ $value | humanizeTimestamp }} (schedule "${spec('schedule')}", UTC) has not succeeded within ${spec('deadline')} of it.`,
      ),
      dashboard: 'slaFreshness',
    }));
  }

  /**
   * Data age judged on the data interval of the latest success. A DAG Airflow
   * has known for longer than maxStaleness without any success is stale too
   * (its value is then maxStaleness: "at least"). "Known that long ago" is an
   * offset literal: one term per distinct maxStaleness.
   */
  private dataStale(): AlertDraft[] {
    const byMaxStaleness = distinct(this.thresholds, T.maxStaleness, 'max_staleness').map((maxStaleness) => {
      const limit = `${T.maxStaleness}{max_staleness="${maxStaleness}"}`;
      const succeeded = `${RUN_SERIES.finished}{state="success"}`;
      const knownBefore = `max by (dag_id) (last_over_time(${succeeded}[${STATE_LOOKBACK}] offset ${maxStaleness}))`;
      const neverSucceeded = `(${knownBefore} * 0 + on (dag_id) ${limit}) unless on (dag_id) (max by (dag_id) (${succeeded}) > 0)`;
      return `(time() - ${state(RUN_SERIES.lastSuccess)} > on (dag_id) ${limit}) or (${neverSucceeded})`;
    });
    return onePerCatalog(byMaxStaleness, (condition) => ({
      alert: PIPELINE_ALERTS.dataStale,
      expr: routed(condition, 'dataStale'),
      summary: 'Data of pipeline {{ $labels.dag_id }} is stale',
      description: withThresholdLabels(
        T.maxStaleness,
        ['dag_id'],
        (spec) => `{{ $labels.dag_id }} has had no successful data interval for {{ $value | humanizeDuration }}; the allowed maximum is ${spec('max_staleness')}.`,
      ),
      dashboard: 'slaFreshness',
    }));
  }

  /** Pipelines that declare checks: every check of the DAG, declared or not, so a new check cannot fail silently. */
  private dataQualityCheckFailed(): AlertDraft {
    const events = eventsInWindow({
      counter: 'pipewatch_dq_checks_failed_total',
      by: 'dag_id, check',
      window: EVENT_WINDOW,
      windowSeconds: Duration.parse(EVENT_WINDOW).toSeconds(),
      history: EVENT_HISTORY,
      processStart: STATSD_START,
    });
    return {
      alert: PIPELINE_ALERTS.dataQualityCheckFailed,
      expr: routed(`(${events}) and on (dag_id) ${T.dataQualityCheck}`, 'dataQuality'),
      summary: 'Data-quality check {{ $labels.check }} of {{ $labels.dag_id }} failed',
      description: 'Check {{ $labels.check }} of pipeline {{ $labels.dag_id }} failed {{ $value | printf "%.0f" }} time(s) in the last hour.',
      dashboard: 'dataQuality',
    };
  }

  /** One alert per dataset, at the strictest minimum any of its checks asks for. */
  private dataCompletenessLow(): AlertDraft {
    return {
      alert: PIPELINE_ALERTS.dataCompletenessLow,
      expr: routed(`min by (dag_id, dataset) (pipewatch_dq_completeness_ratio) < on (dag_id, dataset) ${T.minCompleteness}`, 'dataQuality'),
      summary: 'Dataset {{ $labels.dataset }} of {{ $labels.dag_id }} is incomplete',
      description: withThresholdLabels(
        T.minCompleteness,
        ['dag_id', 'dataset'],
        (spec) => `Only {{ $value | humanizePercentage }} of the expected records of {{ $labels.dataset }} are present; the minimum is ${spec('minimum')}.`,
      ),
      dashboard: 'dataQuality',
    };
  }

  /** Recent runs against the DAG's own 7-day history, never below its expected duration. */
  private durationRegression(): AlertDraft[] {
    const byWindow = distinct(this.thresholds, T.expectedDuration, 'recent_window').map((recent) => {
      const recentAvg = runDurationRecord(recent as RunDurationWindow);
      return `${recentAvg} > ${DURATION_REGRESSION_FACTOR} * ${runDurationRecord('7d')} and on (dag_id) ${recentAvg} > on (dag_id) ${T.expectedDuration}{recent_window="${recent}"}`;
    });
    return onePerCatalog(byWindow, (condition) => ({
      alert: PIPELINE_ALERTS.durationRegression,
      expr: routed(condition, 'durationRegression'),
      summary: 'Pipeline {{ $labels.dag_id }} runs slower than usual',
      description: withThresholdLabels(
        T.expectedDuration,
        ['dag_id'],
        (spec) =>
          `Successful runs of {{ $labels.dag_id }} took {{ $value | humanizeDuration }} on average over the last ${spec('recent_window')}, over ${DURATION_REGRESSION_FACTOR}x their 7-day average and over the expected ${spec('expected')}.`,
      ),
      dashboard: 'performance',
    }));
  }

  /**
   * Seen while the task still runs: the exporter publishes its start time
   * until it ends. The series vanishes when the task ends and also for the
   * failed scrape of an exporter restart; only in the second case (no
   * pipewatch_airflow_db_up sample either) is the last start time kept.
   * Declared tasks only: the threshold joins on (dag_id, task_id).
   */
  private taskLongRunning(): AlertDraft {
    const since = RUN_SERIES.taskRunningSince;
    const runningFor = (startTimes: string) => `time() - min by (dag_id, task_id) (${startTimes}) > on (dag_id, task_id) ${TASK_LONG_RUNNING_FACTOR} * ${T.taskExpectedDuration}`;
    return {
      alert: PIPELINE_ALERTS.taskLongRunning,
      expr: routed(`${runningFor(since)} or (${runningFor(`last_over_time(${since}[${STATE_LOOKBACK}])`)} unless on () pipewatch_airflow_db_up)`, 'durationRegression'),
      summary: 'Task {{ $labels.task_id }} of {{ $labels.dag_id }} runs long',
      description: withThresholdLabels(
        T.taskExpectedDuration,
        ['dag_id', 'task_id'],
        (spec) => `Task {{ $labels.task_id }} of {{ $labels.dag_id }} has been running for {{ $value | humanizeDuration }}, over ${TASK_LONG_RUNNING_FACTOR}x its expected ${spec('expected')}.`,
      ),
      dashboard: 'performance',
    };
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
      expr: `max by (dag_id, team, severity) ${route('metricsAbsent')} unless on (dag_id) ${RUN_SERIES.finished} and on () (max(pipewatch_airflow_db_up) == 1)`,
      for: UNKNOWN_DAG_FOR,
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
   * whole count by a hair either way. One term per distinct lookback.
   */
  private errorBudgetBurn(speed: BudgetSpeed): AlertDraft[] {
    const fast = speed === 'fast';
    const tiers = this.thresholds.filter((s) => s.series === T.budgetBurnRatio && s.labels.speed === speed);
    const byLookback = [...new Set(tiers.map((s) => s.labels.lookback))].map((range) => {
      const runs = (matchers: string) => `sum by (dag_id) (increase(${RUN_SERIES.finished}${matchers}[${range}]))`;
      return `${runs('{state="failed"}')} / ${runs('')} >= on (dag_id) ${T.budgetBurnRatio}{speed="${speed}", lookback="${range}"} and on (dag_id) ${runs('')} >= ${MIN_RUNS - 0.5}`;
    });
    return onePerCatalog(byLookback, (condition) => ({
      alert: fast ? PIPELINE_ALERTS.errorBudgetBurnFast : PIPELINE_ALERTS.errorBudgetBurnSlow,
      expr: routed(condition, fast ? 'budgetBurnFast' : 'budgetBurnSlow'),
      summary: `Pipeline {{ $labels.dag_id }} ${fast ? 'burns its error budget fast' : 'will run out of error budget'}`,
      description: withThresholdLabels(
        T.budgetBurnRatio,
        ['dag_id'],
        (spec) =>
          `{{ $value | humanizePercentage }} of the runs of {{ $labels.dag_id }} in the last ${spec('lookback')} failed (at least ${MIN_RUNS} runs); ` +
          `at this rate the budget of ${spec('budget_runs')} failed runs (${spec('objective')}) is spent within ${spec('spent_within')}.`,
        [`speed="${speed}"`],
      ),
      dashboard: 'pipelineDetail',
    }));
  }
}
