import { Duration } from '../duration';
import { RUN_SERIES } from '../metrics/catalog';
import { PIPELINE_ALERTS } from './alert-names';
import { AlertDraft } from '../rules/alert-links';
import { failureRatioRecord, runDurationRecord, RunDurationWindow } from '../rules/pipeline-recording';
import { BurnSpeed, burnThreshold, burnTiersFor } from './burn-rate';
import { Schedule } from './schedule';
import { DEFAULT_SLO, PipelineSpec, Severity } from './spec';

/** Failure events (failed runs, failed checks) keep their alert firing this long. */
export const EVENT_WINDOW = '1h';
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

const { succeeded: SUCCEEDED, failed: FAILED, lastSuccess: LAST_SUCCESS } = RUN_SERIES;

/** Selector with equality matchers; the values are validated label-safe names. */
function selector(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

/**
 * Counter increments in the window, including a series' very first ones:
 * statsd_exporter creates a counter on its first event (at 1, not 0), which
 * increase() cannot see, so a series new in the window counts whole.
 */
function eventsIn(series: string, window: string, by: string): string {
  return `sum by (${by}) (increase(${series}[${window}])) > 0 or sum by (${by}) (${series} unless ${series} offset ${window})`;
}

const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(4))}%`;

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
      ...this.metricsAbsent(),
      ...this.errorBudgetBurn('fast'),
      ...this.errorBudgetBurn('slow'),
    ];
  }

  private labels(kind: keyof typeof DEFAULT_SEVERITY, extra: Readonly<Record<string, string>> = {}) {
    return { severity: this.spec.severity?.[kind] ?? DEFAULT_SEVERITY[kind], team: this.spec.ownerTeam, dag_id: this.spec.dagId, ...extra };
  }

  private runFailed(): AlertDraft {
    return {
      alert: PIPELINE_ALERTS.runFailed,
      expr: eventsIn(selector(FAILED, this.dag), EVENT_WINDOW, 'dag_id'),
      labels: this.labels('runFailed'),
      summary: 'Pipeline {{ $labels.dag_id }} has a failed run',
      description: `{{ $value | printf "%.0f" }} run(s) of {{ $labels.dag_id }} failed in the last hour. Downstream data may be missing until a run succeeds (owner: ${this.spec.ownerTeam}).`,
      dashboard: 'pipelineDetail',
    };
  }

  /**
   * The last scheduled time is `time() - (time() - offset) % period`; the run
   * due then is late once `deadline` has passed and no success is newer than
   * it. A deadline shorter than the period (validated) makes that the only
   * run that can be late. Without any success yet there is no series:
   * PipelineMetricsAbsent covers a pipeline that never reported.
   */
  private deadlineMissed(): AlertDraft[] {
    const { deadline } = this.spec;
    if (deadline === undefined || this.schedule.kind !== 'periodic') return [];
    const { periodSeconds, offsetSeconds } = this.schedule;
    const sinceDue = offsetSeconds === 0 ? `time() % ${periodSeconds}` : `(time() - ${offsetSeconds}) % ${periodSeconds}`;
    return [
      {
        alert: PIPELINE_ALERTS.deadlineMissed,
        expr: `(max by (dag_id) (${selector(LAST_SUCCESS, this.dag)}) < time() - ${sinceDue}) and on () (vector(${sinceDue}) > ${deadline.toSeconds()})`,
        labels: this.labels('deadlineMissed'),
        summary: 'Pipeline {{ $labels.dag_id }} missed its deadline',
        description: `The run of {{ $labels.dag_id }} scheduled "${this.spec.schedule}" (UTC) has not succeeded within ${deadline} of its scheduled time; the last success was at {{ $value | humanizeTimestamp }}.`,
        dashboard: 'slaFreshness',
      },
    ];
  }

  private dataStale(): AlertDraft[] {
    const { maxStaleness } = this.spec;
    if (maxStaleness === undefined) return [];
    return [
      {
        alert: PIPELINE_ALERTS.dataStale,
        expr: `time() - max by (dag_id) (${selector(LAST_SUCCESS, this.dag)}) > ${maxStaleness.toSeconds()}`,
        labels: this.labels('dataStale'),
        summary: 'Data of pipeline {{ $labels.dag_id }} is stale',
        description: `{{ $labels.dag_id }} last succeeded {{ $value | humanizeDuration }} ago, longer than the allowed ${maxStaleness}.`,
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
        expr: eventsIn(selector('pipewatch_dq_checks_failed_total', this.dag), EVENT_WINDOW, 'dag_id, check'),
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
      description: `Only {{ $value | humanizePercentage }} of the expected records of {{ $labels.dataset }} are present; the minimum is ${percent(minimum)}.`,
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

  private taskLongRunning(): AlertDraft[] {
    return this.spec.tasks.map((task) => {
      const labels = { ...this.dag, task_id: task.taskId };
      const runs = (metric: string) => `sum by (dag_id, task_id) (increase(${selector(metric, labels)}[${EVENT_WINDOW}]))`;
      const limit = TASK_LONG_RUNNING_FACTOR * task.expectedDuration.toSeconds();
      return {
        alert: PIPELINE_ALERTS.taskLongRunning,
        expr: `${runs('airflow_task_duration_sum')} / (${runs('airflow_task_duration_count')} > 0) > ${limit}`,
        labels: this.labels('durationRegression', { task_id: task.taskId }),
        summary: 'Task {{ $labels.task_id }} of {{ $labels.dag_id }} ran long',
        description: `Task {{ $labels.task_id }} of {{ $labels.dag_id }} took {{ $value | humanizeDuration }} on average in the last hour, over ${TASK_LONG_RUNNING_FACTOR}x its expected ${task.expectedDuration}.`,
        dashboard: 'performance',
      };
    });
  }

  /**
   * No run metric (success or failure) for two periods: the DAG never ran
   * since the exporter started (first deploy, exporter restart), is misnamed,
   * or its StatsD metrics are lost. A schedule without a fixed period uses
   * maxStaleness, or gets no such alert.
   */
  private metricsAbsent(): AlertDraft[] {
    const seconds = this.schedule.kind === 'periodic' ? Math.max(2 * this.schedule.periodSeconds, 3600) : this.spec.maxStaleness?.toSeconds();
    if (seconds === undefined) return [];
    const window = Duration.seconds(seconds).toPromDuration();
    return [
      {
        alert: PIPELINE_ALERTS.metricsAbsent,
        // statsd-exporter keeps a series once created, so absence means none since it (re)started; `for` waits out restarts.
        expr: `absent(${selector(SUCCEEDED, this.dag)}) and absent(${selector(FAILED, this.dag)})`,
        for: window,
        labels: this.labels('metricsAbsent'),
        summary: 'Pipeline {{ $labels.dag_id }} reports no runs',
        description: `Prometheus has had no run metric of {{ $labels.dag_id }} for ${window}: the DAG has not finished a run since statsd-exporter started, is renamed, or its StatsD metrics do not arrive.`,
        dashboard: 'slaFreshness',
      },
    ];
  }

  private errorBudgetBurn(speed: BurnSpeed): AlertDraft[] {
    const successRatio = this.spec.slo?.successRatio ?? DEFAULT_SLO.successRatio;
    const budget = Number((1 - successRatio).toPrecision(10));
    const period = this.schedule.kind === 'periodic' ? this.schedule.periodSeconds : undefined;
    const tiers = burnTiersFor(period, budget).filter((t) => t.speed === speed);
    if (tiers.length === 0) return [];
    const ratio = (w: Parameters<typeof failureRatioRecord>[0]) => selector(failureRatioRecord(w), this.dag);
    const conditions = tiers.map((t) => {
      const threshold = burnThreshold(t, budget);
      return `(${ratio(t.longWindow)} > ${threshold} and ${ratio(t.shortWindow)} > ${threshold})`;
    });
    const windows = tiers.map((t) => `${t.factor}x over ${t.longWindow}/${t.shortWindow}`).join(', ');
    const sloWindow = this.spec.slo?.window ?? DEFAULT_SLO.window;
    const name = speed === 'fast' ? PIPELINE_ALERTS.errorBudgetBurnFast : PIPELINE_ALERTS.errorBudgetBurnSlow;
    return [
      {
        alert: name,
        expr: conditions.join(' or '),
        labels: this.labels(speed === 'fast' ? 'budgetBurnFast' : 'budgetBurnSlow'),
        summary: `Pipeline {{ $labels.dag_id }} burns its error budget ${speed === 'fast' ? 'fast' : 'steadily'}`,
        description: `{{ $value | humanizePercentage }} of the recent runs of {{ $labels.dag_id }} failed (burn rate ${windows}); the ${percent(successRatio)} success objective over ${sloWindow} will not hold at this rate.`,
        dashboard: 'pipelineDetail',
      },
    ];
  }
}
