import { scheduleOf } from '../../content/pipeline/validate';
import { PipelineSpec } from '../../content/pipeline/spec';
import { RuleGroup } from '../../content/rules/types';
import { Duration } from '../../content/duration';
import { PipelineAlertExpectation } from './pipeline-expectations';
import { at, expectedAlert, EXPORTER_TARGET, findAlert, PromtoolTestCase, segments, seriesOf, STATSD_TARGET } from './promtool-model';

/** Sample and evaluation step of the cases for hourly (or faster) pipelines. */
export const SHORT_STEP_SECONDS = 300;
/** Daily and slower pipelines need days of data: a coarser step keeps promtool fast. */
export const LONG_STEP_SECONDS = 1800;

/**
 * Builds, for every alert a pipeline is expected to get, one promtool case
 * where it fires (with the labels and annotations its expectation spells out)
 * and one where it must not. The test file's evaluation interval must equal
 * the step the cases were built with.
 */
export interface GeneratedCases {
  readonly short: PromtoolTestCase[];
  readonly long: PromtoolTestCase[];
}

const FINISHED = 'pipewatch_dag_runs_finished_total';
const LAST_SUCCESS = 'pipewatch_dag_last_success_interval_end_seconds';
const LAST_FINISHED = 'pipewatch_dag_last_finished_interval_end_seconds';
const LAST_RUN_FAILED = 'pipewatch_dag_last_run_failed';
const RUNNING_SINCE = 'pipewatch_task_running_since_seconds';

export function pipelineCases(
  specs: readonly PipelineSpec[],
  groups: readonly RuleGroup[],
  expectations: Readonly<Record<string, readonly PipelineAlertExpectation[]>>,
): GeneratedCases {
  const out: GeneratedCases = { short: [], long: [] };
  for (const spec of specs) {
    const expected = expectations[spec.dagId];
    if (!expected) throw new Error(`pipeline ${spec.dagId} has no expected alerts written down: add them to the expectations`);
    const schedule = scheduleOf(spec, spec.dagId);
    const long = schedule.kind !== 'periodic' || schedule.periodSeconds >= 86400;
    const builder = new PipelineCaseBuilder(spec, specs, groups, long ? LONG_STEP_SECONDS : SHORT_STEP_SECONDS);
    (long ? out.long : out.short).push(...expected.flatMap((e) => builder.cases(e)));
  }
  return out;
}

type Scenario = (expected: PipelineAlertExpectation) => PromtoolTestCase[];

class PipelineCaseBuilder {
  /** Labels of this DAG's StatsD series (data quality, durations). */
  private readonly target: Record<string, string>;
  /** Labels of this DAG's run-state series from the metadata-database exporter. */
  private readonly state: Record<string, string>;

  constructor(
    private readonly spec: PipelineSpec,
    private readonly specs: readonly PipelineSpec[],
    private readonly groups: readonly RuleGroup[],
    /** Seconds between samples; also the promtool evaluation interval of the file. */
    private readonly step: number,
  ) {
    this.target = { dag_id: spec.dagId, ...STATSD_TARGET };
    this.state = { dag_id: spec.dagId, ...EXPORTER_TARGET };
  }

  /** A constant exporter gauge of this DAG over `samples` steps. */
  private gauge(metric: string, value: number, samples: number, extra: Record<string, string> = {}) {
    return { series: seriesOf(metric, { ...this.state, ...extra }), values: segments(value, [[0, samples]]) };
  }

  /** The firing and silent cases of one expected alert; throws when the rules lack it or no scenario knows it. */
  cases(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const scenarios: Readonly<Record<string, Scenario>> = {
      PipelineRunFailed: (e) => this.runFailed(e),
      PipelineDeadlineMissed: (e) => this.deadlineMissed(e),
      PipelineDataStale: (e) => this.dataStale(e),
      PipelineDataQualityCheckFailed: (e) => this.dataQualityCheckFailed(e),
      PipelineDataCompletenessLow: (e) => this.dataCompletenessLow(e),
      PipelineDurationRegression: (e) => this.durationRegression(e),
      PipelineTaskLongRunning: (e) => this.taskLongRunning(e),
      PipelineMetricsAbsent: (e) => this.metricsAbsent(e),
      PipelineErrorBudgetBurnFast: (e) => this.errorBudgetBurn(e),
      PipelineErrorBudgetBurnSlow: (e) => this.errorBudgetBurn(e),
    };
    const scenario = scenarios[expected.alert];
    if (!scenario) throw new Error(`no promtool scenario for ${expected.alert} of ${this.spec.dagId}: write one in pipeline-cases.ts`);
    return scenario(expected);
  }

  /**
   * The rule the expectation is about (one per alert name, joining every
   * pipeline's thresholds); promtool then judges labels and annotations.
   */
  private rule(expected: PipelineAlertExpectation) {
    return findAlert(this.groups, expected.alert);
  }

  private fires(expected: PipelineAlertExpectation) {
    return [expectedAlert(expected.alert, expected)];
  }

  private steps(seconds: number): number {
    return Math.ceil(seconds / this.step);
  }

  private testCase(name: string, input: PromtoolTestCase['input_series'], tests: PromtoolTestCase['alert_rule_test']): PromtoolTestCase {
    return { name: `GIVEN ${this.spec.dagId} ${name}`, interval: at(this.step), input_series: input, alert_rule_test: tests };
  }

  /** A counter that is flat for 90 minutes, counts one event, and stays flat for 10 minutes more. */
  private oneEventAt90m(): string {
    return segments(0, [[0, this.steps(5400)], [1, 1], [0, this.steps(600)]]);
  }

  /** The latest finished run (interval ending 01:00) failed, or succeeded. */
  private runFailed(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    const state = (failed: number) => [this.gauge(LAST_FINISHED, 3600, 10), this.gauge(LAST_RUN_FAILED, failed, 10)];
    const evalTime = at(this.step * 5);
    return [
      this.testCase('WHEN its latest finished run failed THEN PipelineRunFailed fires, naming the run\'s interval end', state(1), [
        { eval_time: evalTime, alertname, exp_alerts: this.fires(expected) },
      ]),
      this.testCase('WHEN its latest finished run succeeded THEN PipelineRunFailed stays silent', state(0), [{ eval_time: evalTime, alertname, exp_alerts: [] }]),
    ];
  }

  /**
   * The last successful interval ends at the first scheduled time; the next
   * one is due a period plus the deadline later. It fires past that, stays
   * firing across the next top of the period, and is silent once that
   * interval has succeeded.
   */
  private deadlineMissed(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    const schedule = scheduleOf(this.spec, this.spec.dagId);
    if (schedule.kind !== 'periodic' || this.spec.deadline === undefined) throw new Error(`${this.spec.dagId} expects PipelineDeadlineMissed without a periodic schedule and a deadline`);
    const lastSuccess = schedule.offsetSeconds;
    const due = lastSuccess + schedule.periodSeconds + this.spec.deadline.toSeconds();
    const nextTop = lastSuccess + 2 * schedule.periodSeconds + this.step;
    const samples = this.steps(nextTop) + 1;
    return [
      this.testCase('WHEN the interval after the last successful one has not succeeded THEN PipelineDeadlineMissed fires after its deadline and stays firing across the next period', [this.gauge(LAST_SUCCESS, lastSuccess, samples)], [
        { eval_time: at(due - this.step), alertname, exp_alerts: [] },
        { eval_time: at(due + this.step), alertname, exp_alerts: this.fires(expected) },
        { eval_time: at(nextTop), alertname, exp_alerts: this.fires(expected) },
      ]),
      this.testCase('WHEN that interval succeeded THEN PipelineDeadlineMissed stays silent', [this.gauge(LAST_SUCCESS, lastSuccess + schedule.periodSeconds, samples)], [
        { eval_time: at(due + this.step), alertname, exp_alerts: [] },
      ]),
    ];
  }

  private dataStale(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    if (this.spec.maxStaleness === undefined) throw new Error(`${this.spec.dagId} expects PipelineDataStale without maxStaleness`);
    const lastSuccess = this.step;
    const maxAge = this.spec.maxStaleness.toSeconds();
    const evalSeconds = this.step * (this.steps(lastSuccess + maxAge) + 1);
    return [
      this.testCase('WHEN the last successful interval ended longer than maxStaleness ago THEN PipelineDataStale fires, and not before', [
        this.gauge(LAST_SUCCESS, lastSuccess, this.steps(evalSeconds)),
      ], [
        { eval_time: at(lastSuccess + maxAge - this.step), alertname, exp_alerts: [] },
        { eval_time: at(evalSeconds), alertname, exp_alerts: this.fires(expected) },
      ]),
    ];
  }

  /** The expected alert's `check` label names the check that fails; the others keep passing. */
  private dataQualityCheckFailed(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    const checks = (this.spec.dataQualityChecks ?? []).map((c) => c.name);
    const failing = expected.labels.check;
    if (failing === undefined || !checks.includes(failing)) throw new Error(`${this.spec.dagId} expects PipelineDataQualityCheckFailed for a check it does not declare: ${failing}`);
    const evalTime = at(this.step * (this.steps(5400) + 1 + this.steps(600)));
    const failed = (check: string) => seriesOf('pipewatch_dq_checks_failed_total', { ...this.target, check });
    return [
      this.testCase(`WHEN check ${failing} failed 10 minutes ago THEN PipelineDataQualityCheckFailed fires for that check only`, checks.map((check) => ({
        series: failed(check),
        values: check === failing ? this.oneEventAt90m() : segments(0, [[0, this.steps(6000)]]),
      })), [{ eval_time: evalTime, alertname, exp_alerts: this.fires(expected) }]),
      this.testCase('WHEN no check failed in the last hour THEN PipelineDataQualityCheckFailed stays silent', checks.map((check) => ({
        series: failed(check),
        values: segments(2, [[0, this.steps(6000)]]),
      })), [{ eval_time: evalTime, alertname, exp_alerts: [] }]),
    ];
  }

  /** The expected alert's `dataset` label picks the check whose minimum the case undercuts by 8 points. */
  private dataCompletenessLow(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    const dataset = expected.labels.dataset;
    const min = (this.spec.dataQualityChecks ?? []).find((c) => c.dataset === dataset)?.minCompleteness;
    if (min === undefined) throw new Error(`${this.spec.dagId} expects PipelineDataCompletenessLow for ${dataset}, which has no minCompleteness`);
    const gauge = (value: number) => [{ series: seriesOf('pipewatch_dq_completeness_ratio', { ...this.target, dataset }), values: segments(value, [[0, 10]]) }];
    const evalTime = at(this.step * 5);
    const low = Number((min - 0.08).toFixed(2));
    return [
      this.testCase(`WHEN ${dataset} is ${low * 100}% complete THEN PipelineDataCompletenessLow fires`, gauge(low), [
        { eval_time: evalTime, alertname, exp_alerts: this.fires(expected) },
      ]),
      this.testCase(`WHEN ${dataset} is at its minimum THEN PipelineDataCompletenessLow stays silent`, gauge(min), [
        { eval_time: evalTime, alertname, exp_alerts: [] },
      ]),
    ];
  }

  /**
   * History at the expected duration, then runs three times as long for the
   * whole recent window (plus half a second, so the truncating
   * humanizeDuration is immune to floating-point error).
   */
  private durationRegression(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const rule = this.rule(expected);
    const typical = this.spec.expectedDuration.toSeconds();
    const slow = 3 * typical + 0.5;
    // The documented comparison window: the last hour for hourly or faster pipelines, else the last day.
    const schedule = scheduleOf(this.spec, this.spec.dagId);
    const recentWindow = schedule.kind === 'periodic' && schedule.periodSeconds <= 3600 ? '1h' : '1d';
    // History twice as long as the slow stretch keeps the 7-day average under 2x expected, so 1.5x of it stays under 3x.
    const recent = this.steps(Duration.parse(recentWindow).toSeconds() + 3600);
    const history = 2 * recent;
    const evalTime = at(this.step * (history + recent));
    const runs = (durations: number) => [
      { series: seriesOf('airflow_dagrun_duration_count', this.target), values: segments(0, [[1, history + recent]]) },
      { series: seriesOf('airflow_dagrun_duration_sum', this.target), values: segments(0, [[typical, history], [durations, recent]]) },
    ];
    return [
      this.testCase(`WHEN runs take 3x their history for ${recentWindow} THEN PipelineDurationRegression fires`, runs(slow), [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: this.fires(expected) },
      ]),
      this.testCase('WHEN runs keep their usual duration THEN PipelineDurationRegression stays silent', runs(typical), [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [] },
      ]),
    ];
  }

  /** The expected alert's `task_id` label picks the task that has been running three times its expected duration. */
  private taskLongRunning(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    const task = this.spec.tasks.find((t) => t.taskId === expected.labels.task_id);
    if (!task) throw new Error(`${this.spec.dagId} expects PipelineTaskLongRunning for a task it does not declare: ${expected.labels.task_id}`);
    const typical = task.expectedDuration.toSeconds();
    const evalSeconds = this.step * 10;
    const runningFor = (seconds: number) => [this.gauge(RUNNING_SINCE, evalSeconds - seconds, 10, { task_id: task.taskId })];
    return [
      this.testCase(`WHEN task ${task.taskId} has been running 3x its expected duration THEN PipelineTaskLongRunning fires while it runs`, runningFor(3 * typical), [
        { eval_time: at(evalSeconds), alertname, exp_alerts: this.fires(expected) },
      ]),
      this.testCase(`WHEN task ${task.taskId} has been running its expected duration THEN PipelineTaskLongRunning stays silent`, runningFor(typical), [
        { eval_time: at(evalSeconds), alertname, exp_alerts: [] },
      ]),
    ];
  }

  /** The exporter reads the database and knows every other pipeline, so only this one is unknown to Airflow. */
  private metricsAbsent(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const rule = this.rule(expected);
    const window = Duration.parse(rule.for as string).toSeconds();
    const samples = this.steps(window) + 1;
    const known = (dagId: string) => ['success', 'failed'].map((state) => ({ series: seriesOf(FINISHED, { dag_id: dagId, ...EXPORTER_TARGET, state }), values: segments(3, [[0, samples]]) }));
    const dbUp = { series: seriesOf('pipewatch_airflow_db_up', EXPORTER_TARGET), values: segments(1, [[0, samples]]) };
    const others = [dbUp, ...this.specs.filter((s) => s.dagId !== this.spec.dagId).flatMap((s) => known(s.dagId))];
    const evalTime = at(this.step * samples);
    const notBefore = window - this.step > 0 ? [{ eval_time: at(window - this.step), alertname: rule.alert, exp_alerts: [] }] : [];
    return [
      this.testCase(`WHEN Airflow has not known it for ${rule.for} THEN PipelineMetricsAbsent fires, and not before`, others, [
        ...notBefore,
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: this.fires(expected) },
      ]),
      this.testCase('WHEN Airflow knows every pipeline THEN PipelineMetricsAbsent stays silent', [...others, ...known(this.spec.dagId)], [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [] },
      ]),
    ];
  }

  /** Half the runs fail, a run finishing every step: far over every tier's ratio and minimum run count. */
  private errorBudgetBurn(expected: PipelineAlertExpectation): PromtoolTestCase[] {
    const alertname = this.rule(expected).alert;
    const samples = this.steps(9000);
    const runs = (failedPerStep: number) => [
      { series: seriesOf(FINISHED, { ...this.state, state: 'success' }), values: segments(0, [[1, samples]]) },
      { series: seriesOf(FINISHED, { ...this.state, state: 'failed' }), values: segments(0, [[failedPerStep, samples]]) },
    ];
    const evalTime = at(this.step * samples);
    return [
      this.testCase(`WHEN half of the runs fail THEN ${alertname} fires`, runs(1), [{ eval_time: evalTime, alertname, exp_alerts: this.fires(expected) }]),
      this.testCase(`WHEN every run succeeds THEN ${alertname} stays silent`, runs(0), [{ eval_time: evalTime, alertname, exp_alerts: [] }]),
    ];
  }
}
