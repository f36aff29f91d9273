import { pipewatchRuleFiles } from '../../content/rules/rule-set';
import { AlertingRule, RuleGroup } from '../../content/rules/types';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { alertCoverage } from './coverage';
import { pipelineCases } from './pipeline-cases';
import { EXAMPLE_PIPELINE_ALERTS } from './pipeline-expectations';
import { PromtoolTestCase } from './promtool-model';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const rule = (alert: string, dagId: string): AlertingRule => ({
  alert,
  expr: 'vector(1)',
  labels: { severity: 'warning', team: 'analytics', dag_id: dagId },
  annotations: { summary: 's', description: 'd', runbook_url: 'r', dashboard_url: 'u' },
});
const check = (alert: string, firing: readonly Record<string, string>[]): PromtoolTestCase => ({
  name: alert,
  interval: '1m',
  input_series: [],
  alert_rule_test: [{ eval_time: '1m', alertname: alert, exp_alerts: firing.map((labels) => ({ exp_labels: labels, exp_annotations: {} })) }],
});

describe('GIVEN the promtool case lists', () => {
  const [pipelineFile] = pipewatchRuleFiles(EXAMPLE_PIPELINES);

  test('WHEN an expected alert is gone from the rules THEN building the cases fails, naming it', () => {
    const withoutStale: RuleGroup[] = pipelineFile.groups.map((g) => ({ ...g, rules: g.rules.filter((r) => !('alert' in r && r.alert === 'PipelineDataStale')) }));
    expect(() => pipelineCases(EXAMPLE_PIPELINES, withoutStale, EXAMPLE_PIPELINE_ALERTS)).toThrow(/no alert PipelineDataStale with labels \{\}/);
  });

  test('WHEN a pipeline has no expected alerts written down THEN building the cases fails, naming it', () => {
    const { example_etl: _dropped, ...others } = EXAMPLE_PIPELINE_ALERTS;
    expect(() => pipelineCases(EXAMPLE_PIPELINES, pipelineFile.groups, others)).toThrow(/pipeline example_etl has no expected alerts/);
  });

  test('WHEN an alert has a firing case but no silent one THEN coverage reports it missing, until a silent case is added', () => {
    const groups = [{ name: 'g', rules: [rule('PipelineRunFailed', 'a')] }];
    const fires = check('PipelineRunFailed', [{ dag_id: 'a', severity: 'warning', team: 'analytics' }]);
    expect(alertCoverage(groups, [fires]).missing).toEqual(['PipelineRunFailed{"severity":"warning","team":"analytics","dag_id":"a"}']);
    expect(alertCoverage(groups, [fires, check('PipelineRunFailed', [])]).missing).toEqual([]);
  });

  test('WHEN an alert has no case at all THEN coverage reports it missing', () => {
    const groups = [{ name: 'g', rules: [rule('PipelineDataStale', 'a')] }];
    expect(alertCoverage(groups, [])).toEqual({ covered: 0, total: 1, missing: ['PipelineDataStale{"severity":"warning","team":"analytics","dag_id":"a"}'] });
  });
});
