import { Duration } from '../../content/duration';
import { renderRuleFile } from '../../content/rules/render';
import { WAREHOUSE_RULE_FILE, warehouseRuleGroups } from '../../content/warehouse/rules';
import { Scenario, scenarioCases } from './alert-scenarios';
import { alertCoverage } from './coverage';
import { seriesOf, testFile } from './promtool-model';
import { promtoolPath, runTool, runToolAsync, tempDirWith } from './tools';

/** Replication lag and two KPI monitors as a stack declares them; expectations written by hand. */
const groups = warehouseRuleGroups({
  replicationLagBound: Duration.minutes(5),
  kpis: [
    { kpi: 'conversion_rate', direction: 'higher-is-better', maxChangeVsLastWeek: 0.05, ownerTeam: 'analytics' },
    { kpi: 'refund_rate', direction: 'lower-is-better', maxChangeVsLastWeek: 0.2, ownerTeam: 'finance', severity: 'critical' },
  ],
});
const ruleFile = { name: WAREHOUSE_RULE_FILE, groups };
const DASHBOARD = 'pipewatch-datalake-warehouse';

const exporter = (instance: string) => ({ instance, job: 'postgres-exporter' });
const kpi = (name: string) => seriesOf('pipewatch_business_kpi_value', { instance: 'metrics-app:8000', job: 'metrics-app', kpi: name });
/** One day of 10-minute samples at one value. */
const day = (value: number) => `${value}x143`;

const REPLICATION: Scenario[] = [
  {
    alert: 'PostgresReplicationLagHigh',
    when: 'the replica falls 400s behind, over the 300s bound, for longer than two minutes',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: seriesOf('pipewatch_pg_replication_lag_seconds', exporter('warehouse-replica:9187')), values: '0x2 400x10' },
      { series: seriesOf('pipewatch_pg_replication_is_replica', exporter('warehouse-replica:9187')), values: '1x12' },
    ],
    expected: [
      {
        labels: { severity: 'warning', team: 'data-platform', instance: 'warehouse-replica:9187' },
        summary: 'PostgreSQL replica warehouse-replica:9187 lags behind its primary',
        description: 'Replica warehouse-replica:9187 replays changes 6m 40s behind its primary, over the declared bound of 300s: reads from it (reports, dbt sources) see old data.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'PostgresReplicationLagHigh',
    when: 'a replica lags 100s and a primary reports 400s (it is no replica)',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: seriesOf('pipewatch_pg_replication_lag_seconds', exporter('warehouse-replica:9187')), values: '100x12' },
      { series: seriesOf('pipewatch_pg_replication_is_replica', exporter('warehouse-replica:9187')), values: '1x12' },
      { series: seriesOf('pipewatch_pg_replication_lag_seconds', exporter('warehouse:9187')), values: '400x12' },
      { series: seriesOf('pipewatch_pg_replication_is_replica', exporter('warehouse:9187')), values: '0x12' },
    ],
    expected: [],
  },
];

const KPIS: Scenario[] = [
  {
    alert: 'BusinessKpiWorseThanLastWeek',
    when: 'the conversion rate was 4% all last week and is 3.5% since this week began',
    interval: '10m',
    evalTime: '169h',
    // (0.035 - 0.04) / 0.04 = -12.5%, worse than the 5% allowed.
    input: [{ series: kpi('conversion_rate'), values: '0.04x1008 0.035x10' }],
    expected: [
      {
        labels: { severity: 'warning', team: 'analytics', kpi: 'conversion_rate' },
        summary: 'Business KPI conversion_rate fell against last week',
        description: 'KPI conversion_rate fell by 12.5% against the same time last week (allowed: 5%): rule out stale or incomplete pipelines that feed it, then tell its owners.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'BusinessKpiWorseThanLastWeek',
    when: 'the conversion rate follows its weekly rhythm (4% and 3% on alternate weekdays, 2% at the weekend) and Monday is 4% again, a third above Sunday',
    interval: '10m',
    evalTime: '169h',
    input: [{ series: kpi('conversion_rate'), values: `${[0.04, 0.03, 0.04, 0.03, 0.04, 0.02, 0.02].map(day).join(' ')} 0.04x10` }],
    expected: [],
  },
  {
    alert: 'BusinessKpiWorseThanLastWeek',
    when: 'the refund rate, which should stay low, rose from 1% to 1.3% (30%, over the 20% allowed)',
    interval: '10m',
    evalTime: '169h',
    input: [{ series: kpi('refund_rate'), values: '0.01x1008 0.013x10' }],
    expected: [
      {
        labels: { severity: 'critical', team: 'finance', kpi: 'refund_rate' },
        summary: 'Business KPI refund_rate rose against last week',
        description: 'KPI refund_rate rose by 30% against the same time last week (allowed: 20%): rule out stale or incomplete pipelines that feed it, then tell its owners.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'BusinessKpiWorseThanLastWeek',
    when: 'the refund rate rose from 1% to 1.1% (10%) and the conversion rate rose',
    interval: '10m',
    evalTime: '169h',
    input: [
      { series: kpi('refund_rate'), values: '0.01x1008 0.011x10' },
      { series: kpi('conversion_rate'), values: '0.04x1008 0.05x10' },
    ],
    expected: [],
  },
];

const cases = (scenarios: readonly Scenario[]) => scenarioCases(groups, 'the warehouse', scenarios);
const replicationCases = cases(REPLICATION);
const kpiCases = cases(KPIS);
const dir = tempDirWith({
  [WAREHOUSE_RULE_FILE]: renderRuleFile(groups),
  'replication-test.yml': testFile(ruleFile, '1m', replicationCases),
  'kpi-test.yml': testFile(ruleFile, '10m', kpiCases),
});

describe('the warehouse rule file under promtool', () => {
  const promtool = promtoolPath();
  const runs = ['replication-test.yml', 'kpi-test.yml'].map((f) => [f, runToolAsync(promtool, ['test', 'rules', f], dir)] as const);

  it('GIVEN a lag bound and two KPI monitors WHEN promtool checks the rule file THEN it is valid', () => {
    const result = runTool(promtool, ['check', 'rules', WAREHOUSE_RULE_FILE], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.each(runs)('GIVEN the cases in %s WHEN promtool runs them THEN every case passes', async (file, run) => {
    const result = await run;
    if (result.status !== 0) throw new Error(`promtool test rules ${file} failed (files in ${dir}):\n${result.output.slice(0, 6000)}`);
    expect(result.output).toContain('SUCCESS');
  });

  it('GIVEN every warehouse alert WHEN the cases are counted THEN each has a firing and a silent case', () => {
    expect(alertCoverage(groups, [...replicationCases, ...kpiCases]).missing).toEqual([]);
  });

  it('GIVEN a KPI declared twice WHEN the rules are built THEN the error names the second and the fix', () => {
    const twice = { kpi: 'conversion_rate', direction: 'higher-is-better' as const, maxChangeVsLastWeek: 0.05, ownerTeam: 'analytics' };
    expect(() => warehouseRuleGroups({ kpis: [twice, twice] }, {}, 'local-dev/Monitoring/warehouse')).toThrow('local-dev/Monitoring/warehouse.kpis[1]: invalid kpi "conversion_rate". Each KPI is monitored once.');
  });

  it('GIVEN a lag bound held for 10 seconds WHEN the rules are built THEN the lag alert waits 10s, not the default 2m, and reads pipewatch\'s lag metric', () => {
    const [group] = warehouseRuleGroups({ replicationLagBound: Duration.seconds(5), replicationLagFor: Duration.seconds(10) });
    expect(group.rules).toEqual([
      expect.objectContaining({
        alert: 'PostgresReplicationLagHigh',
        for: '10s',
        expr: 'max by (instance) (last_over_time(pipewatch_pg_replication_lag_seconds[5m])) > 5 and on (instance) max by (instance) (last_over_time(pipewatch_pg_replication_is_replica[5m])) == 1',
      }),
    ]);
  });
});
