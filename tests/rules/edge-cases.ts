import { RuleGroup } from '../../content/rules/types';
import { Expected, expectedAlert, findAlert, PromtoolTestCase, segments, seriesOf, STATSD_TARGET } from './promtool-model';

const DAG = 'datalake_ingest';
const LABELS = { dag_id: DAG, team: 'data-platform' };

const runFailed: Expected = {
  labels: { ...LABELS, severity: 'critical' },
  summary: 'Pipeline datalake_ingest has a failed run',
  description: '1 run(s) of datalake_ingest failed in the last hour. Downstream data may be missing until a run succeeds (owner: data-platform).',
  dashboard: 'pipewatch-pipeline-detail',
};

/** Hand-written cases of datalake_ingest (stacks/pipelines.ts) for the situations the per-alert cases do not reach. */
export function pipelineEdgeCases(groups: readonly RuleGroup[]): PromtoolTestCase[] {
  const alerts = ['PipelineRunFailed', 'PipelineDataStale', 'PipelineDeadlineMissed', 'PipelineErrorBudgetBurnFast', 'PipelineErrorBudgetBurnSlow', 'PipelineDurationRegression'];
  // Throws, naming the alert, when the rules no longer have one: the cases must not vanish with it.
  for (const alert of alerts) findAlert(groups, alert, { dag_id: DAG });
  const target = { dag_id: DAG, ...STATSD_TARGET };
  const failed = (values: string) => ({ series: seriesOf('airflow_dagrun_failed_count', target), values });
  const succeeded = (values: string) => ({ series: seriesOf('airflow_dagrun_duration_count', target), values });
  const lastSuccess = (values: string) => ({ series: seriesOf('pipewatch_pipeline_last_success_timestamp_seconds', target), values });
  const edge = (name: string, input: PromtoolTestCase['input_series'], tests: PromtoolTestCase['alert_rule_test']): PromtoolTestCase => ({
    name: `GIVEN ${DAG} ${name}`,
    interval: '1m',
    input_series: input,
    alert_rule_test: tests,
  });
  return [
    edge('WHEN its first failure ever creates the failed-run counter at 1 THEN PipelineRunFailed fires', [failed(`_x60 ${segments(1, [[0, 20]])}`)], [
      { eval_time: '80m', alertname: 'PipelineRunFailed', exp_alerts: [expectedAlert('PipelineRunFailed', runFailed)] },
    ]),
    edge('WHEN statsd-exporter restarts and its counters start over without a failure THEN PipelineRunFailed stays silent', [
      failed(`${segments(5, [[0, 60]])} ${segments(0, [[0, 40]])}`),
    ], [{ eval_time: '90m', alertname: 'PipelineRunFailed', exp_alerts: [] }]),
    edge('WHEN the counter resets and then counts a failure THEN PipelineRunFailed fires', [failed(`${segments(5, [[0, 60]])} ${segments(1, [[0, 40]])}`)], [
      { eval_time: '100m', alertname: 'PipelineRunFailed', exp_alerts: [expectedAlert('PipelineRunFailed', runFailed)] },
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
      {
        eval_time: '10h',
        alertname: 'PipelineDataStale',
        exp_alerts: [
          expectedAlert('PipelineDataStale', {
            labels: { ...LABELS, severity: 'warning' },
            summary: 'Data of pipeline datalake_ingest is stale',
            description: 'datalake_ingest last succeeded 9h 59m 0s ago, longer than the allowed 2h.',
            dashboard: 'pipewatch-sla-freshness',
          }),
        ],
      },
    ]),
    edge('WHEN it has only ever failed (no success series) THEN PipelineErrorBudgetBurnFast fires at a 100% failure ratio', [failed(segments(0, [[1, 90]]))], [
      {
        eval_time: '90m',
        alertname: 'PipelineErrorBudgetBurnFast',
        exp_alerts: [
          expectedAlert('PipelineErrorBudgetBurnFast', {
            labels: { ...LABELS, severity: 'critical' },
            summary: 'Pipeline datalake_ingest burns its error budget fast',
            description: '100% of the recent runs of datalake_ingest failed (burn rate 14.4x over 1h/1h, 6x over 6h/1h); the 99% success objective over 28d will not hold at this rate.',
            dashboard: 'pipewatch-pipeline-detail',
          }),
        ],
      },
    ]),
  ];
}
