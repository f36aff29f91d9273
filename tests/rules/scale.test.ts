import { renderRuleFile } from '../../content/rules/render';
import { pipelineRuleGroups } from '../../content/rules/rule-set';
import { pipelineThresholds } from '../../content/pipeline/rule-group';
import { isAlertingRule, RuleGroup } from '../../content/rules/types';
import { syntheticCatalog } from '../support/synthetic-catalog';

const rulesOf = (groups: readonly RuleGroup[]) => groups.flatMap((g) => g.rules);

/** Lines of `after` that `before` lacks, counted with repeats. */
function addedLines(before: string, after: string): string[] {
  const left = new Map<string, number>();
  for (const line of before.split('\n')) left.set(line, (left.get(line) ?? 0) + 1);
  return after.split('\n').filter((line) => {
    const n = left.get(line) ?? 0;
    left.set(line, n - 1);
    return n <= 0;
  });
}

describe('GIVEN the pipelines rule file of a hundred pipelines', () => {
  const catalog = syntheticCatalog(102);
  const added = catalog[101];
  const beforeGroups = pipelineRuleGroups(catalog.slice(0, 100));
  const afterGroups = pipelineRuleGroups([...catalog.slice(0, 100), added]);

  test('WHEN one pipeline is added THEN every alert rule stays exactly as it was', () => {
    expect(rulesOf(afterGroups).filter(isAlertingRule)).toEqual(rulesOf(beforeGroups).filter(isAlertingRule));
  });

  test('WHEN one pipeline is added THEN the file gains one small record per fact of its spec and changes no other line', () => {
    // synthetic_101: hourly with a deadline and a max staleness, two tasks, the default SLO (two budget tiers).
    expect(pipelineThresholds(added).map((s) => s.series)).toEqual([
      'dag_id:pipewatch_pipeline_info:spec',
      'dag_id:pipewatch_schedule_period_seconds:spec',
      'dag_id:pipewatch_deadline_seconds:spec',
      'dag_id:pipewatch_max_staleness_seconds:spec',
      'dag_id:pipewatch_expected_duration_seconds:spec',
      'dag_id:pipewatch_task_expected_duration_seconds:spec',
      'dag_id:pipewatch_task_expected_duration_seconds:spec',
      'dag_id:pipewatch_slo_success_ratio:spec',
      'dag_id:pipewatch_error_budget_burn_ratio:spec',
      'dag_id:pipewatch_error_budget_burn_ratio:spec',
    ]);
    const before = renderRuleFile(beforeGroups);
    const after = renderRuleFile(afterGroups);
    const lines = addedLines(before, after);
    // Per record: `- record:`, `expr: vector(…)`, `labels:`, dag_id and the fact's own labels: at most 9 lines.
    expect(lines.length).toBeLessThanOrEqual(10 * 9);
    expect(lines.filter((line) => line.includes('dag_id: synthetic_101'))).toHaveLength(10);
    expect(addedLines(after, before)).toEqual([]);
  });
});

describe('GIVEN catalogs of ten to three hundred pipelines (npm run bench measures a thousand)', () => {
  const sizes = [10, 100, 300].map((n) => {
    const groups = pipelineRuleGroups(syntheticCatalog(n));
    return { n, bytes: renderRuleFile(groups).length, rules: rulesOf(groups).length, alerts: rulesOf(groups).filter(isAlertingRule).length };
  });

  test('WHEN the rule files are rendered THEN the alert rules stay ten, each pipeline adds at most 12 threshold records, and the file grows by under 2.5 kB per pipeline', () => {
    console.log(sizes.map((s) => `${s.n} pipelines: ${s.bytes} bytes, ${s.rules} rules`).join('\n'));
    // 3 duration records and 10 alerts, plus the thresholds (synthetic pipelines: 10 records, 12 with a checked dataset).
    expect(sizes.map((s) => s.rules <= 13 + 12 * s.n)).toEqual([true, true, true]);
    expect(sizes.map((s) => s.alerts)).toEqual([10, 10, 10]);
    expect((sizes[2].bytes - sizes[1].bytes) / 200).toBeLessThan(2500);
  });
});
