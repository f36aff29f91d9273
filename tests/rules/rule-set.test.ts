import { isAlertingRule, isRecordingRule, RuleGroup } from '../../content/rules/types';
import { assertValidPromQL, PromQLSyntaxError, selectedMetricNames } from '../../content/rules/promql';
import { pipelineRuleGroups, pipewatchRuleFiles, platformRuleGroups } from '../../content/rules/rule-set';
import { assertRuleGroupsValid } from '../../content/rules/validate-rules';
import { batchSlo, budgetTiers, sloWarnings } from '../../content/pipeline/batch-slo';
import { parseSchedule } from '../../content/pipeline/schedule';
import { Duration } from '../../content/duration';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const alerts = pipewatchRuleFiles(EXAMPLE_PIPELINES).flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlertingRule)));

describe('the rule set', () => {
  it('GIVEN every generated alert WHEN inspected THEN it carries severity and team (static, or joined from the thresholds), summary, description, runbook and dashboard links', () => {
    for (const a of alerts) {
      if (a.labels === undefined) expect(a.expr).toMatch(/group_left \(team, severity\)|max by \(dag_id, team, severity\)/);
      else expect(a.labels).toEqual(expect.objectContaining({ severity: expect.stringMatching(/^(critical|warning|info|none)$/), team: expect.stringMatching(/^[a-z-]+$/) }));
      expect(a.annotations.description).toMatch(/\{\{ \$(labels\.\w+|value)/);
      expect(a.annotations.runbook_url).toBe(`https://github.com/pipewatch/pipewatch/blob/main/docs/runbooks.md#${a.alert.toLowerCase()}`);
      expect(a.annotations.dashboard_url).toMatch(/^http:\/\/localhost:3000\/d\/pipewatch-/);
    }
  });

  it('GIVEN pipeline alerts WHEN inspected THEN one rule per alert name serves every pipeline, whose team its info series names; platform alerts belong to platform', () => {
    const rules = pipelineRuleGroups(EXAMPLE_PIPELINES).flatMap((g) => g.rules);
    const pipelineAlerts = rules.filter(isAlertingRule);
    expect(pipelineAlerts.map((a) => a.alert)).toEqual([...new Set(pipelineAlerts.map((a) => a.alert))]);
    expect(pipelineAlerts.every((a) => a.labels === undefined)).toBe(true);
    const info = rules.filter(isRecordingRule).filter((r) => r.record === 'dag_id:pipewatch_pipeline_info:spec');
    expect(info).toEqual([
      { record: 'dag_id:pipewatch_pipeline_info:spec', expr: 'vector(1)', labels: { dag_id: 'datalake_ingest', team: 'data-platform' } },
      { record: 'dag_id:pipewatch_pipeline_info:spec', expr: 'vector(1)', labels: { dag_id: 'example_etl', team: 'analytics' } },
      { record: 'dag_id:pipewatch_pipeline_info:spec', expr: 'vector(1)', labels: { dag_id: 'data_quality', team: 'analytics' } },
      { record: 'dag_id:pipewatch_pipeline_info:spec', expr: 'vector(1)', labels: { dag_id: 'ml_pipeline', team: 'ml' } },
      { record: 'dag_id:pipewatch_pipeline_info:spec', expr: 'vector(1)', labels: { dag_id: 'finance.daily_revenue', team: 'finance' } },
    ]);
    const platform = platformRuleGroups().find((g) => g.name === 'pipewatch-airflow') as RuleGroup;
    expect(platform.rules.filter(isAlertingRule).every((a) => a.labels?.team === 'platform')).toBe(true);
  });

  it('GIVEN a Grafana URL option WHEN rules are built THEN dashboard links use it', () => {
    const [group] = platformRuleGroups({ grafanaUrl: 'https://grafana.example.com/' });
    expect(group.rules.filter(isAlertingRule)[0].annotations.dashboard_url).toBe('https://grafana.example.com/d/pipewatch-platform-health');
  });

  it('GIVEN the recording rules WHEN inspected THEN they follow level:metric:operation', () => {
    const records = pipelineRuleGroups(EXAMPLE_PIPELINES).flatMap((g) => g.rules.filter(isRecordingRule)).map((r) => r.record);
    expect(records).toContain('dag_id:pipewatch_run_duration_seconds:avg1h');
    expect(records.every((r) => /^dag_id:pipewatch_[a-z_]+:[a-z_0-9]+$/.test(r))).toBe(true);
  });

  it('GIVEN the seed alerts WHEN listed THEN the warehouse response-time alert is spelled right', () => {
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(['WarehouseResponseTimeHigh', 'WarehouseRecordsProcessedDrop', 'DataLakeSpaceHigh', 'DataLakeAccessSpike', 'BusinessKpiDrop', 'Watchdog']));
  });
});

describe('PromQL checks', () => {
  it('GIVEN an expression that does not parse WHEN checked THEN the error names the group and rule', () => {
    expect(() => assertValidPromQL('sum(rate(up[5m])', 'pipelines.yml: group g, alert A')).toThrow(PromQLSyntaxError);
    expect(() => assertValidPromQL('sum(rate(up[5m])', 'pipelines.yml: group g, alert A')).toThrow(/^pipelines\.yml: group g, alert A: PromQL does not parse/);
  });

  it('GIVEN an expression WHEN its metrics are read from the parse tree THEN selectors inside functions and offsets are found', () => {
    expect(selectedMetricNames('sum by (dag_id) (rate(a_total{x="1"}[5m] offset 1h)) / on (dag_id) b:c:d', 'w').sort()).toEqual(['a_total', 'b:c:d']);
  });

  it('GIVEN a rule reading a metric outside the catalog WHEN the set is validated THEN the error names the rule and the catalog', () => {
    const group = { name: 'g', rules: [{ record: 'job:typo_metric:rate5m', expr: 'rate(airflow_dagrun_duraton_count[5m])' }] };
    expect(() => assertRuleGroupsValid([group], 'pipelines.yml')).toThrow(/pipelines\.yml: group g, record job:typo_metric:rate5m: reads "airflow_dagrun_duraton_count", which is neither in content\/metrics\/catalog\.ts/);
  });

  it('GIVEN constant vectors WHEN their metrics are read THEN they select none, and a broken one still fails naming its rule each time', () => {
    expect(selectedMetricNames('vector(600)', 'w')).toEqual([]);
    expect(selectedMetricNames('vector(0.98)', 'w')).toEqual([]);
    expect(selectedMetricNames('vector(600) * on () group_left a_total', 'w')).toEqual(['a_total']);
    expect(() => selectedMetricNames('vector(600', 'first rule')).toThrow(/^first rule: PromQL does not parse/);
    expect(() => selectedMetricNames('vector(600', 'second rule')).toThrow(/^second rule: PromQL does not parse/);
  });

  it('GIVEN a selector by __name__ WHEN checked THEN it is refused because its metric cannot be verified', () => {
    expect(() => selectedMetricNames('{__name__=~"airflow_.*"}', 'w')).toThrow(/no plain metric name/);
  });

  it('GIVEN a badly named alert WHEN the set is validated THEN it is rejected', () => {
    const group = { name: 'g', rules: [{ ...alerts[0], alert: 'pipeline_failed' }] };
    expect(() => assertRuleGroupsValid([group], 'f.yml')).toThrow(/alert names are PascalCase/);
  });
});

describe('batch SLO tiers', () => {
  const spec = (schedule: string, successRatio = 0.99) => ({ dagId: 'd', schedule, ownerTeam: 't', expectedDuration: Duration.minutes(5), tasks: [], slo: { successRatio } });
  const tiers = (schedule: string, successRatio = 0.99) => {
    const period = (parseSchedule(schedule) as { periodSeconds: number }).periodSeconds;
    return budgetTiers(batchSlo(spec(schedule, successRatio), period), period).map((t) => `${t.speed}:${t.lookback}:${t.ratio}`);
  };

  it('GIVEN an hourly pipeline at 99% over 28d WHEN tiers are chosen THEN it pages at 7% over 1d and tickets at 1% over 7d', () => {
    expect(batchSlo(spec('@hourly'), 3600)).toEqual(expect.objectContaining({ expectedRuns: 672, budgetRuns: 6.72 }));
    expect(tiers('@hourly')).toEqual(['fast:1d:0.07', 'slow:7d:0.01']);
  });

  it('GIVEN a daily pipeline WHEN tiers are chosen THEN both lookbacks hold 10 runs and the slow tier, the same lookback at a higher ratio, is left out', () => {
    expect(tiers('@daily')).toEqual(['fast:10d:0.007']);
  });

  it('GIVEN a 50% objective WHEN tiers are chosen THEN the fast tier, which would need over 100% failures, is left out', () => {
    expect(tiers('@hourly', 0.5)).toEqual(['slow:7d:0.5']);
  });

  it('GIVEN a daily pipeline at 99% over 28d WHEN checked THEN a warning says every failure exhausts the budget and names the highest sensible target', () => {
    expect(sloWarnings(spec('@daily'), parseSchedule('@daily'))).toEqual([
      'd: slo 99% over 28d allows 0.28 failed runs of the 28 a "@daily" schedule runs in that window, so every failure exhausts the error budget. Choose a target ≤ 96.4% (one failed run per window), or a longer slo.window.',
    ]);
    expect(sloWarnings(spec('@hourly'), parseSchedule('@hourly'))).toEqual([]);
  });
});
