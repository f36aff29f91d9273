import { RuleGroup } from '../../content/rules/types';
import { expectAlert, findAlert, PromtoolTestCase, segments, seriesOf, STATSD_TARGET } from './promtool-model';

/** Hand-written pipeline cases for the situations the generated ones do not reach. */
export function pipelineEdgeCases(groups: readonly RuleGroup[], dagId: string): PromtoolTestCase[] {
  const dag = { dag_id: dagId };
  const target = { ...dag, ...STATSD_TARGET };
  const rule = (alert: string) => findAlert(groups, alert, dag);
  const failed = (values: string) => ({ series: seriesOf('airflow_dagrun_failed_count', target), values });
  const succeeded = (values: string) => ({ series: seriesOf('airflow_dagrun_duration_count', target), values });
  const lastSuccess = (values: string) => ({ series: seriesOf('pipewatch_pipeline_last_success_timestamp_seconds', target), values });
  const edge = (name: string, input: PromtoolTestCase['input_series'], tests: PromtoolTestCase['alert_rule_test']): PromtoolTestCase => ({
    name: `GIVEN ${dagId} ${name}`,
    interval: '1m',
    input_series: input,
    alert_rule_test: tests,
  });
  return [
    edge('WHEN its first failure ever creates the failed-run counter at 1 THEN PipelineRunFailed fires', [failed(`_x60 ${segments(1, [[0, 20]])}`)], [
      { eval_time: '80m', alertname: 'PipelineRunFailed', exp_alerts: [expectAlert(rule('PipelineRunFailed'), dag, 1)] },
    ]),
    edge('WHEN statsd-exporter restarts and its counters start over without a failure THEN PipelineRunFailed stays silent', [
      failed(`${segments(5, [[0, 60]])} ${segments(0, [[0, 40]])}`),
    ], [{ eval_time: '90m', alertname: 'PipelineRunFailed', exp_alerts: [] }]),
    edge('WHEN the counter resets and then counts a failure THEN PipelineRunFailed fires', [failed(`${segments(5, [[0, 60]])} ${segments(1, [[0, 40]])}`)], [
      { eval_time: '100m', alertname: 'PipelineRunFailed', exp_alerts: [expectAlert(rule('PipelineRunFailed'), dag, 1)] },
    ]),
    edge('WHEN it never succeeded yet (no last-success series) THEN PipelineDataStale and PipelineDeadlineMissed stay silent', [succeeded(segments(0, [[0, 300]]))], [
      { eval_time: '5h', alertname: 'PipelineDataStale', exp_alerts: [] },
      { eval_time: '5h', alertname: 'PipelineDeadlineMissed', exp_alerts: [] },
    ]),
    edge('WHEN it is paused (no run finishes for hours) THEN no failure-ratio or duration alert fires, but its data goes stale', [
      succeeded(segments(10, [[0, 600]])),
      failed(segments(2, [[0, 600]])),
      { series: seriesOf('airflow_dagrun_duration_sum', target), values: segments(3600, [[0, 600]]) },
      lastSuccess(segments(60, [[0, 600]])),
    ], [
      { eval_time: '10h', alertname: 'PipelineErrorBudgetBurnFast', exp_alerts: [] },
      { eval_time: '10h', alertname: 'PipelineErrorBudgetBurnSlow', exp_alerts: [] },
      { eval_time: '10h', alertname: 'PipelineDurationRegression', exp_alerts: [] },
      { eval_time: '10h', alertname: 'PipelineRunFailed', exp_alerts: [] },
      { eval_time: '10h', alertname: 'PipelineDataStale', exp_alerts: [expectAlert(rule('PipelineDataStale'), dag, 10 * 3600 - 60)] },
    ]),
    edge('WHEN it has only ever failed (no success series) THEN PipelineErrorBudgetBurnFast fires at a 100% failure ratio', [failed(segments(0, [[1, 90]]))], [
      { eval_time: '90m', alertname: 'PipelineErrorBudgetBurnFast', exp_alerts: [expectAlert(rule('PipelineErrorBudgetBurnFast'), dag, 1)] },
    ]),
  ];
}
