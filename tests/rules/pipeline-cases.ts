import { scheduleOf } from '../../content/pipeline/validate';
import { PipelineSpec } from '../../content/pipeline/spec';
import { RuleGroup } from '../../content/rules/types';
import { Duration } from '../../content/duration';
import { at, expectAlert, findAlert, PromtoolTestCase, segments, seriesOf, STATSD_TARGET } from './promtool-model';

/** Sample and evaluation step of the cases for hourly (or faster) pipelines. */
export const SHORT_STEP_SECONDS = 300;
/** Daily and slower pipelines need days of data: a coarser step keeps promtool fast. */
export const LONG_STEP_SECONDS = 1800;

/**
 * Generates, for every alert a pipeline gets, one promtool case where it
 * fires (with its exact labels and annotations) and one where it must not.
 * The test file's evaluation interval must equal the step the cases were built with.
 */
export interface GeneratedCases {
  readonly short: PromtoolTestCase[];
  readonly long: PromtoolTestCase[];
}

const SUCCEEDED = 'airflow_dagrun_duration_count';
const FAILED = 'airflow_dagrun_failed_count';
const LAST_SUCCESS = 'pipewatch_pipeline_last_success_timestamp_seconds';

export function pipelineCases(specs: readonly PipelineSpec[], groups: readonly RuleGroup[]): GeneratedCases {
  const out: GeneratedCases = { short: [], long: [] };
  for (const spec of specs) {
    const schedule = scheduleOf(spec, spec.dagId);
    const long = schedule.kind !== 'periodic' || schedule.periodSeconds >= 86400;
    const builder = new PipelineCaseBuilder(spec, specs, groups, long ? LONG_STEP_SECONDS : SHORT_STEP_SECONDS);
    (long ? out.long : out.short).push(...builder.cases());
  }
  return out;
}

class PipelineCaseBuilder {
  private readonly dag: Record<string, string>;
  private readonly target: Record<string, string>;

  constructor(
    private readonly spec: PipelineSpec,
    private readonly specs: readonly PipelineSpec[],
    private readonly groups: readonly RuleGroup[],
    /** Seconds between samples; also the promtool evaluation interval of the file. */
    private readonly step: number,
  ) {
    this.dag = { dag_id: spec.dagId };
    this.target = { ...this.dag, ...STATSD_TARGET };
  }

  cases(): PromtoolTestCase[] {
    return [
      ...this.runFailed(),
      ...this.deadlineMissed(),
      ...this.dataStale(),
      ...this.dataQualityCheckFailed(),
      ...this.dataCompletenessLow(),
      ...this.durationRegression(),
      ...this.taskLongRunning(),
      ...this.metricsAbsent(),
      ...this.errorBudgetBurn('PipelineErrorBudgetBurnFast'),
      ...this.errorBudgetBurn('PipelineErrorBudgetBurnSlow'),
    ];
  }

  private has(alert: string): boolean {
    return this.groups.some((g) => g.rules.some((r) => 'alert' in r && r.alert === alert && r.labels.dag_id === this.spec.dagId));
  }

  private rule(alert: string, labels: Record<string, string> = {}) {
    return findAlert(this.groups, alert, { ...this.dag, ...labels });
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

  private runFailed(): PromtoolTestCase[] {
    const rule = this.rule('PipelineRunFailed');
    const evalTime = at(this.step * (this.steps(5400) + 1 + this.steps(600)));
    return [
      this.testCase('WHEN a run failed 10 minutes ago THEN PipelineRunFailed fires', [{ series: seriesOf(FAILED, this.target), values: this.oneEventAt90m() }], [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [expectAlert(rule, this.dag, 1)] },
      ]),
      this.testCase('WHEN no run failed in the last hour THEN PipelineRunFailed stays silent', [
        { series: seriesOf(FAILED, this.target), values: segments(3, [[0, this.steps(6000)]]) },
        { series: seriesOf(SUCCEEDED, this.target), values: segments(0, [[1, this.steps(6000)]]) },
      ], [{ eval_time: evalTime, alertname: rule.alert, exp_alerts: [] }]),
    ];
  }

  private deadlineMissed(): PromtoolTestCase[] {
    if (!this.has('PipelineDeadlineMissed')) return [];
    const schedule = scheduleOf(this.spec, this.spec.dagId);
    if (schedule.kind !== 'periodic' || this.spec.deadline === undefined) return [];
    const rule = this.rule('PipelineDeadlineMissed');
    const due = schedule.offsetSeconds + schedule.periodSeconds;
    const deadline = this.spec.deadline.toSeconds();
    const afterDeadline = due + deadline + this.step;
    const previousSuccess = due - schedule.periodSeconds + this.spec.expectedDuration.toSeconds();
    const onTimeSuccess = due + this.spec.expectedDuration.toSeconds();
    const gauge = (value: number) => [{ series: seriesOf(LAST_SUCCESS, this.target), values: segments(value, [[0, this.steps(afterDeadline)]]) }];
    return [
      this.testCase('WHEN the run due at the last tick has not succeeded THEN PipelineDeadlineMissed fires only after the deadline', gauge(previousSuccess), [
        { eval_time: at(due + deadline - this.step), alertname: rule.alert, exp_alerts: [] },
        { eval_time: at(afterDeadline), alertname: rule.alert, exp_alerts: [expectAlert(rule, this.dag, previousSuccess)] },
      ]),
      this.testCase('WHEN the run due at the last tick succeeded THEN PipelineDeadlineMissed stays silent', gauge(onTimeSuccess), [
        { eval_time: at(afterDeadline), alertname: rule.alert, exp_alerts: [] },
      ]),
    ];
  }

  private dataStale(): PromtoolTestCase[] {
    if (this.spec.maxStaleness === undefined) return [];
    const rule = this.rule('PipelineDataStale');
    const lastSuccess = this.step;
    const maxAge = this.spec.maxStaleness.toSeconds();
    const evalSeconds = this.step * (this.steps(lastSuccess + maxAge) + 1);
    return [
      this.testCase('WHEN the last success is older than maxStaleness THEN PipelineDataStale fires, and not before', [
        { series: seriesOf(LAST_SUCCESS, this.target), values: segments(lastSuccess, [[0, this.steps(evalSeconds)]]) },
      ], [
        { eval_time: at(lastSuccess + maxAge - this.step), alertname: rule.alert, exp_alerts: [] },
        { eval_time: at(evalSeconds), alertname: rule.alert, exp_alerts: [expectAlert(rule, this.dag, evalSeconds - lastSuccess)] },
      ]),
    ];
  }

  private dataQualityCheckFailed(): PromtoolTestCase[] {
    const checks = this.spec.dataQualityChecks ?? [];
    if (checks.length === 0) return [];
    const rule = this.rule('PipelineDataQualityCheckFailed');
    const evalTime = at(this.step * (this.steps(5400) + 1 + this.steps(600)));
    const failed = (check: string) => seriesOf('pipewatch_dq_checks_failed_total', { ...this.target, check });
    const [first, ...rest] = checks.map((c) => c.name);
    return [
      this.testCase(`WHEN check ${first} failed 10 minutes ago THEN PipelineDataQualityCheckFailed fires for that check only`, [
        { series: failed(first), values: this.oneEventAt90m() },
        ...rest.map((check) => ({ series: failed(check), values: segments(0, [[0, this.steps(6000)]]) })),
      ], [{ eval_time: evalTime, alertname: rule.alert, exp_alerts: [expectAlert(rule, { ...this.dag, check: first }, 1)] }]),
      this.testCase('WHEN no check failed in the last hour THEN PipelineDataQualityCheckFailed stays silent', checks.map((c) => ({
        series: failed(c.name),
        values: segments(2, [[0, this.steps(6000)]]),
      })), [{ eval_time: evalTime, alertname: rule.alert, exp_alerts: [] }]),
    ];
  }

  private dataCompletenessLow(): PromtoolTestCase[] {
    return (this.spec.dataQualityChecks ?? [])
      .filter((c) => c.minCompleteness !== undefined)
      .flatMap((check) => {
        const labels = { dataset: check.dataset };
        const rule = this.rule('PipelineDataCompletenessLow', labels);
        const min = check.minCompleteness as number;
        const gauge = (value: number) => [{ series: seriesOf('pipewatch_dq_completeness_ratio', { ...this.target, ...labels }), values: segments(value, [[0, 10]]) }];
        const evalTime = at(this.step * 5);
        const low = Number((min - 0.08).toFixed(2));
        return [
          this.testCase(`WHEN ${check.dataset} is ${low * 100}% complete THEN PipelineDataCompletenessLow fires`, gauge(low), [
            { eval_time: evalTime, alertname: rule.alert, exp_alerts: [expectAlert(rule, { ...this.dag, ...labels }, low)] },
          ]),
          this.testCase(`WHEN ${check.dataset} is at its minimum THEN PipelineDataCompletenessLow stays silent`, gauge(min), [
            { eval_time: evalTime, alertname: rule.alert, exp_alerts: [] },
          ]),
        ];
      });
  }

  /**
   * History at the expected duration, then runs three times as long for the
   * whole recent window (plus half a second, so the truncating
   * humanizeDuration is immune to floating-point error).
   */
  private durationRegression(): PromtoolTestCase[] {
    const rule = this.rule('PipelineDurationRegression');
    const expected = this.spec.expectedDuration.toSeconds();
    const slow = 3 * expected + 0.5;
    const recentWindow = /avg(\w+)\{/.exec(rule.expr)?.[1] as string;
    // History twice as long as the slow stretch keeps the 7-day average under 2x expected, so 1.5x of it stays under 3x.
    const recent = this.steps(Duration.parse(recentWindow).toSeconds() + 3600);
    const history = 2 * recent;
    const evalTime = at(this.step * (history + recent));
    const runs = (durations: number) => [
      { series: seriesOf('airflow_dagrun_duration_count', this.target), values: segments(0, [[1, history + recent]]) },
      { series: seriesOf('airflow_dagrun_duration_sum', this.target), values: segments(0, [[expected, history], [durations, recent]]) },
    ];
    return [
      this.testCase(`WHEN runs take 3x their history for ${recentWindow} THEN PipelineDurationRegression fires`, runs(slow), [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [expectAlert(rule, this.dag, slow)] },
      ]),
      this.testCase('WHEN runs keep their usual duration THEN PipelineDurationRegression stays silent', runs(expected), [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [] },
      ]),
    ];
  }

  private taskLongRunning(): PromtoolTestCase[] {
    return this.spec.tasks.flatMap((task) => {
      const labels = { task_id: task.taskId };
      const rule = this.rule('PipelineTaskLongRunning', labels);
      const expected = task.expectedDuration.toSeconds();
      const slow = 3 * expected + 0.5;
      const samples = this.steps(4200);
      const runs = (duration: number) => [
        { series: seriesOf('airflow_task_duration_count', { ...this.target, ...labels }), values: segments(0, [[1, samples]]) },
        { series: seriesOf('airflow_task_duration_sum', { ...this.target, ...labels }), values: segments(0, [[duration, samples]]) },
      ];
      const evalTime = at(this.step * samples);
      return [
        this.testCase(`WHEN task ${task.taskId} takes 3x its expected duration THEN PipelineTaskLongRunning fires`, runs(slow), [
          { eval_time: evalTime, alertname: rule.alert, exp_alerts: [expectAlert(rule, { ...this.dag, ...labels }, slow)] },
        ]),
        this.testCase(`WHEN task ${task.taskId} takes its expected duration THEN PipelineTaskLongRunning stays silent`, runs(expected), [
          { eval_time: evalTime, alertname: rule.alert, exp_alerts: [] },
        ]),
      ];
    });
  }

  /** Every other pipeline reports, so only this one can be absent. */
  private metricsAbsent(): PromtoolTestCase[] {
    if (!this.has('PipelineMetricsAbsent')) return [];
    const rule = this.rule('PipelineMetricsAbsent');
    const window = Duration.parse(rule.for as string).toSeconds();
    const samples = this.steps(window) + 1;
    const reporting = (dagId: string) => ({ series: seriesOf(SUCCEEDED, { dag_id: dagId, ...STATSD_TARGET }), values: segments(1, [[0, samples]]) });
    const others = this.specs.filter((s) => s.dagId !== this.spec.dagId).map((s) => reporting(s.dagId));
    const evalTime = at(this.step * samples);
    return [
      this.testCase(`WHEN it has reported no run for ${rule.for} THEN PipelineMetricsAbsent fires, and not before`, others, [
        { eval_time: at(window - this.step), alertname: rule.alert, exp_alerts: [] },
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [expectAlert(rule, this.dag, 1)] },
      ]),
      this.testCase('WHEN every pipeline reports runs THEN PipelineMetricsAbsent stays silent', [...others, reporting(this.spec.dagId)], [
        { eval_time: evalTime, alertname: rule.alert, exp_alerts: [] },
      ]),
    ];
  }

  /** Half the runs fail: 50x a 1% budget, far over every tier. */
  private errorBudgetBurn(alert: 'PipelineErrorBudgetBurnFast' | 'PipelineErrorBudgetBurnSlow'): PromtoolTestCase[] {
    if (!this.has(alert)) return [];
    const rule = this.rule(alert);
    const samples = this.steps(9000);
    const runs = (failedPerStep: number) => [
      { series: seriesOf(SUCCEEDED, this.target), values: segments(0, [[1, samples]]) },
      { series: seriesOf(FAILED, this.target), values: segments(0, [[failedPerStep, samples]]) },
    ];
    const evalTime = at(this.step * samples);
    return [
      this.testCase(`WHEN half of the runs fail THEN ${alert} fires`, runs(1), [
        { eval_time: evalTime, alertname: alert, exp_alerts: [expectAlert(rule, this.dag, 0.5)] },
      ]),
      this.testCase(`WHEN every run succeeds THEN ${alert} stays silent`, runs(0), [{ eval_time: evalTime, alertname: alert, exp_alerts: [] }]),
    ];
  }
}
