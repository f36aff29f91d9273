import { renderRuleFile } from '../../content/rules/render';
import { pipelineRuleGroups } from '../../content/rules/rule-set';
import { isAlertingRule, isRecordingRule, RuleGroup } from '../../content/rules/types';
import { syntheticCatalog } from '../support/synthetic-catalog';

const rulesOf = (groups: readonly RuleGroup[]) => groups.flatMap((g) => g.rules);

describe('GIVEN the pipelines rule file of a hundred pipelines', () => {
  const catalog = syntheticCatalog(101);
  const before = rulesOf(pipelineRuleGroups(catalog.slice(0, 100)));
  const after = rulesOf(pipelineRuleGroups(catalog));

  test('WHEN one pipeline is added THEN every alert rule stays exactly as it was', () => {
    expect(after.filter(isAlertingRule)).toEqual(before.filter(isAlertingRule));
  });

  test('WHEN one pipeline is added THEN the file gains only its threshold records: one per fact of its spec', () => {
    const added = after.filter(isRecordingRule).filter((r) => r.labels?.dag_id === 'synthetic_100');
    expect(after).toHaveLength(before.length + added.length);
    // synthetic_100: hourly with a deadline and a max staleness, two tasks, one checked dataset, the default SLO (two budget tiers).
    expect(added.map((r) => r.record)).toEqual([
      'dag_id:pipewatch_pipeline_info:spec',
      'dag_id:pipewatch_schedule_period_seconds:spec',
      'dag_id:pipewatch_deadline_seconds:spec',
      'dag_id:pipewatch_max_staleness_seconds:spec',
      'dag_id:pipewatch_expected_duration_seconds:spec',
      'dag_id:pipewatch_task_expected_duration_seconds:spec',
      'dag_id:pipewatch_task_expected_duration_seconds:spec',
      'dag_id:pipewatch_dq_check_info:spec',
      'dag_id:pipewatch_dq_min_completeness_ratio:spec',
      'dag_id:pipewatch_slo_success_ratio:spec',
      'dag_id:pipewatch_error_budget_burn_ratio:spec',
      'dag_id:pipewatch_error_budget_burn_ratio:spec',
    ]);
    expect(added.every((r) => /^vector\([0-9.]+\)$/.test(r.expr))).toBe(true);
  });
});

describe('GIVEN catalogs of ten to three hundred pipelines (npm run bench measures a thousand)', () => {
  const sizes = [10, 100, 300].map((n) => {
    const groups = pipelineRuleGroups(syntheticCatalog(n));
    return { n, bytes: renderRuleFile(groups).length, alerts: rulesOf(groups).filter(isAlertingRule).length };
  });

  test('WHEN the rule files are rendered THEN the alert rules are the same few and the file grows by under 2.5 kB per pipeline', () => {
    console.log(sizes.map((s) => `${s.n} pipelines: ${s.bytes} bytes, ${s.alerts} alert rules`).join('\n'));
    expect(new Set(sizes.map((s) => s.alerts))).toEqual(new Set([10]));
    const perPipeline = (sizes[2].bytes - sizes[1].bytes) / 200;
    expect(perPipeline).toBeLessThan(2500);
  });
});
