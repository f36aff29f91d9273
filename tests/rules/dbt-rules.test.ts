import { Duration } from '../../content/duration';
import { DBT_RULE_FILE, dbtRuleGroups } from '../../content/dbt/rules';
import { DbtProjectSpec } from '../../content/dbt/spec';
import { renderRuleFile } from '../../content/rules/render';
import { Scenario, scenarioCases } from './alert-scenarios';
import { alertCoverage } from './coverage';
import { InputSeries, seriesOf, testFile } from './promtool-model';
import { promtoolPath, runTool, runToolAsync, tempDirWith } from './tools';

/**
 * The dbt alerts as the stack synthesizes them for two projects, under
 * promtool, with every expected label and annotation written by hand.
 * Series carry the labels the Pushgateway serves them with (honor_labels).
 */
const SHOP: DbtProjectSpec = { project: 'shop', path: 'dbt/shop', target: 'prod', ownerTeam: 'analytics' };
const FINANCE: DbtProjectSpec = { project: 'finance', path: 'dbt/finance', target: 'prod', ownerTeam: 'finance', severity: { testError: 'warning' }, minRegressionDuration: Duration.seconds(30) };
const groups = dbtRuleGroups([SHOP, FINANCE]);
const ruleFile = { name: DBT_RULE_FILE, groups };

const DASHBOARD = 'pipewatch-dbt';
const group = (project = 'shop', command = 'build') => ({ command, job: 'dbt', project, target: 'prod' });
const model = (name: string, owner: string, project = 'shop') => ({ ...group(project), model: name, owner });
const test = (name: string, on: string, severity: string) => ({ ...group(), dbt_severity: severity, model: on, owner: 'analytics', test: name });
const source = (table: string) => ({ ...group('shop', 'source_freshness'), owner: 'data-platform', source: 'shop', table });

/** One series per state of a state-set family, 1 on `current` (held for `samples` samples). */
function stateSet(metric: string, labels: Readonly<Record<string, string>>, states: readonly string[], current: string, samples = 30): InputSeries[] {
  return states.map((status) => ({ series: seriesOf(metric, { ...labels, status }), values: `${status === current ? 1 : 0}x${samples}` }));
}
const MODEL_STATES = ['success', 'error', 'skipped'];
const TEST_STATES = ['pass', 'warn', 'fail', 'error', 'skipped'];


const SHORT: Scenario[] = [
  {
    alert: 'DbtModelFailed',
    when: 'the latest build could not build stg_payments',
    interval: '1m',
    evalTime: '10m',
    input: [...stateSet('dbt_model_status', model('stg_payments', 'finance'), MODEL_STATES, 'error'), ...stateSet('dbt_model_status', model('stg_orders', 'analytics'), MODEL_STATES, 'success')],
    expected: [
      {
        labels: { severity: 'critical', team: 'analytics', project: 'shop', target: 'prod', model: 'stg_payments', owner: 'finance' },
        summary: 'dbt model stg_payments failed',
        description: 'The latest invocation of dbt project shop (target prod) could not build model stg_payments (model owner: finance); models downstream of it were skipped and keep old data until it builds again.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtModelFailed',
    when: 'every model built, and a failed model of another target is not this project’s',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...stateSet('dbt_model_status', model('stg_payments', 'finance'), MODEL_STATES, 'success'),
      ...stateSet('dbt_model_status', { ...model('stg_payments', 'finance'), target: 'dev' }, MODEL_STATES, 'error'),
    ],
    expected: [],
  },
  {
    alert: 'DbtModelFailed',
    when: 'the Pushgateway was not scraped for five minutes after the failure',
    interval: '1m',
    evalTime: '12m',
    input: MODEL_STATES.map((status) => ({ series: seriesOf('dbt_model_status', { ...model('stg_payments', 'finance'), status }), values: `${status === 'error' ? 1 : 0}x6 _x5 ${status === 'error' ? 1 : 0}x2` })),
    expected: [
      {
        labels: { severity: 'critical', team: 'analytics', project: 'shop', target: 'prod', model: 'stg_payments', owner: 'finance' },
        summary: 'dbt model stg_payments failed',
        description: 'The latest invocation of dbt project shop (target prod) could not build model stg_payments (model owner: finance); models downstream of it were skipped and keep old data until it builds again.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtTestFailed',
    when: 'a severity-error test finds 3 duplicate order ids',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...stateSet('dbt_test_status', test('unique_stg_orders_order_id', 'stg_orders', 'error'), TEST_STATES, 'fail'),
      { series: seriesOf('dbt_test_failures', test('unique_stg_orders_order_id', 'stg_orders', 'error')), values: '3x30' },
    ],
    expected: [
      {
        labels: { severity: 'critical', team: 'analytics', project: 'shop', target: 'prod', model: 'stg_orders', test: 'unique_stg_orders_order_id', dbt_severity: 'error', owner: 'analytics', outcome: 'fail' },
        summary: 'dbt test unique_stg_orders_order_id on stg_orders failed',
        description: 'dbt test unique_stg_orders_order_id (severity error) on model stg_orders of project shop found 3 failing rows, or could not run: models downstream of it were skipped.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtTestFailed',
    when: 'a severity-warn test finds 2 unknown order statuses',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...stateSet('dbt_test_status', test('accepted_values_stg_orders_status', 'stg_orders', 'warn'), TEST_STATES, 'warn'),
      { series: seriesOf('dbt_test_failures', test('accepted_values_stg_orders_status', 'stg_orders', 'warn')), values: '2x30' },
    ],
    expected: [
      {
        labels: { severity: 'warning', team: 'analytics', project: 'shop', target: 'prod', model: 'stg_orders', test: 'accepted_values_stg_orders_status', dbt_severity: 'warn', owner: 'analytics', outcome: 'warn' },
        summary: 'dbt test accepted_values_stg_orders_status on stg_orders failed',
        description: 'dbt test accepted_values_stg_orders_status (severity warn) on model stg_orders of project shop found 2 failing rows; dbt built on, so the rows reached the marts.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtTestFailed',
    when: 'the test on fct_orders fails while stg_orders, which fct_orders reads, failed to build',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...stateSet('dbt_model_status', model('stg_orders', 'analytics'), MODEL_STATES, 'error'),
      { series: seriesOf('dbt_model_upstream', { ...group(), model: 'fct_orders', upstream: 'stg_orders' }), values: '1x30' },
      { series: seriesOf('dbt_model_upstream', { ...group(), model: 'fct_orders', upstream: 'stg_payments' }), values: '1x30' },
      ...stateSet('dbt_test_status', test('unique_fct_orders_order_id', 'fct_orders', 'error'), TEST_STATES, 'fail'),
      { series: seriesOf('dbt_test_failures', test('unique_fct_orders_order_id', 'fct_orders', 'error')), values: '1x30' },
    ],
    expected: [
      {
        labels: { severity: 'critical', team: 'analytics', project: 'shop', target: 'prod', model: 'fct_orders', test: 'unique_fct_orders_order_id', dbt_severity: 'error', owner: 'analytics', outcome: 'fail', upstream_failed: 'true' },
        summary: 'dbt test unique_fct_orders_order_id on fct_orders failed',
        description: 'dbt test unique_fct_orders_order_id (severity error) on model fct_orders of project shop found 1 failing rows, or could not run: models downstream of it were skipped.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtTestFailed',
    when: 'every test passes, one with a warn severity and rows under its threshold',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...stateSet('dbt_test_status', test('unique_stg_orders_order_id', 'stg_orders', 'error'), TEST_STATES, 'pass'),
      { series: seriesOf('dbt_test_failures', test('unique_stg_orders_order_id', 'stg_orders', 'error')), values: '0x30' },
      ...stateSet('dbt_test_status', test('accepted_values_stg_orders_status', 'stg_orders', 'warn'), TEST_STATES, 'pass'),
      { series: seriesOf('dbt_test_failures', test('accepted_values_stg_orders_status', 'stg_orders', 'warn')), values: '0x30' },
    ],
    expected: [],
  },
];

/** Freshness and duration play over hours and days: evaluated hourly. */
const LONG: Scenario[] = [
  {
    alert: 'DbtSourceFreshness',
    when: 'orders were last loaded 13 hours ago, past error_after 12h',
    interval: '10m',
    evalTime: '13h',
    input: [
      { series: seriesOf('dbt_source_max_loaded_at_timestamp_seconds', source('orders')), values: '0x80' },
      { series: seriesOf('dbt_source_freshness_warn_after_seconds', source('orders')), values: '7200x80' },
      { series: seriesOf('dbt_source_freshness_error_after_seconds', source('orders')), values: '43200x80' },
    ],
    expected: [
      {
        labels: { severity: 'critical', team: 'analytics', project: 'shop', target: 'prod', freshness: 'error', source: 'shop', table: 'orders', owner: 'data-platform' },
        summary: 'dbt source shop.orders is past its error_after',
        description: 'The newest row of source shop.orders (project shop, owner data-platform) was loaded 13h 0m 0s ago, past the error_after the source declares: the loader upstream of it stopped or fell behind.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtSourceFreshness',
    when: 'orders were last loaded 3 hours ago: past warn_after 2h, within error_after 12h',
    interval: '10m',
    evalTime: '3h',
    input: [
      { series: seriesOf('dbt_source_max_loaded_at_timestamp_seconds', source('orders')), values: '0x20' },
      { series: seriesOf('dbt_source_freshness_warn_after_seconds', source('orders')), values: '7200x20' },
      { series: seriesOf('dbt_source_freshness_error_after_seconds', source('orders')), values: '43200x20' },
    ],
    expected: [
      {
        labels: { severity: 'warning', team: 'analytics', project: 'shop', target: 'prod', freshness: 'warn', source: 'shop', table: 'orders', owner: 'data-platform' },
        summary: 'dbt source shop.orders is past its warn_after',
        description: 'The newest row of source shop.orders (project shop, owner data-platform) was loaded 3h 0m 0s ago, past the warn_after the source declares: the loader upstream of it stopped or fell behind.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtSourceFreshness',
    when: 'orders load every 10 minutes and a source without thresholds is a day old',
    interval: '10m',
    evalTime: '13h',
    input: [
      { series: seriesOf('dbt_source_max_loaded_at_timestamp_seconds', source('orders')), values: '0+600x80' },
      { series: seriesOf('dbt_source_freshness_warn_after_seconds', source('orders')), values: '7200x80' },
      { series: seriesOf('dbt_source_freshness_error_after_seconds', source('orders')), values: '43200x80' },
      { series: seriesOf('dbt_source_max_loaded_at_timestamp_seconds', source('customers')), values: '0x80' },
    ],
    expected: [],
  },
  {
    alert: 'DbtModelDurationRegression',
    when: 'fct_orders took 100s for a week and 400s in its latest run',
    interval: '1h',
    evalTime: '170h',
    input: [{ series: seriesOf('dbt_model_duration_seconds', model('fct_orders', 'analytics')), values: '100x168 400x2' }],
    expected: [
      {
        labels: { severity: 'warning', team: 'analytics', project: 'shop', target: 'prod', model: 'fct_orders', owner: 'analytics' },
        summary: 'dbt model fct_orders runs slower than usual',
        description: 'Model fct_orders of project shop took 6m 40s in its latest run, over 1.5x its 7-day average and over 60s: more data, a lost index or a changed plan.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtModelDurationRegression',
    when: 'fct_orders keeps its 100s and a 10s model grows to 40s, under the one-minute floor',
    interval: '1h',
    evalTime: '170h',
    input: [
      { series: seriesOf('dbt_model_duration_seconds', model('fct_orders', 'analytics')), values: '100x170' },
      { series: seriesOf('dbt_model_duration_seconds', model('stg_orders', 'analytics')), values: '10x168 40x2' },
    ],
    expected: [],
  },
];

/**
 * Five weeks of hourly history with a weekly rhythm: weekdays (the first 120
 * hours of a week) and weekends (the last 48) differ, the same every week.
 */
const WEEK_HOURS = 168;
const weekdayThenWeekend = (weekday: number, weekend: number) => `${weekday}x119 ${weekend}x47`;
/** A source loaded on the hour every weekday hour and not at all at weekends: its newest load time, week by week. */
const hourlyLoadsOnWeekdays = (week: number) => `${week * WEEK_HOURS * 3600}+3600x119 ${(week * WEEK_HOURS + 119) * 3600}x47`;
const rowsOfFct = seriesOf('dbt_model_rows_affected', model('fct_orders', 'analytics'));
const ordersLoadedAt = seriesOf('dbt_source_max_loaded_at_timestamp_seconds', source('orders'));

const ANOMALIES: Scenario[] = [
  {
    alert: 'DbtModelVolumeAnomaly',
    when: 'fct_orders writes 1000 rows every weekday hour and 200 every weekend hour for five weeks, and it is Sunday noon of the fifth',
    interval: '1h',
    evalTime: '816h',
    input: [{ series: rowsOfFct, values: Array(5).fill(weekdayThenWeekend(1000, 200)).join(' ') }],
    expected: [],
  },
  {
    alert: 'DbtModelVolumeAnomaly',
    when: 'after four such weeks fct_orders writes 100 rows from Wednesday 10:00 on',
    interval: '1h',
    evalTime: '731h',
    // Same hour of the past four weeks: 1000 each, spread 0 + 5% of 1000 + 1 = 51, z = (100 - 1000) / 51 = -17.65.
    input: [{ series: rowsOfFct, values: `${Array(4).fill(weekdayThenWeekend(1000, 200)).join(' ')} 1000x57 100x10` }],
    expected: [
      {
        labels: { severity: 'warning', team: 'analytics', project: 'shop', target: 'prod', model: 'fct_orders' },
        summary: 'dbt model fct_orders wrote an unusual number of rows',
        description: 'Model fct_orders of project shop wrote a row count -17.6 spreads away from the same hour of the past 4 weeks: a source that lost or duplicated data, or a changed filter.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtSourceFreshnessAnomaly',
    when: 'orders load hourly on weekdays and not at weekends, and it is Sunday noon of the fifth week: 25 hours since the last load, as every Sunday noon',
    interval: '1h',
    evalTime: '816h',
    input: [{ series: ordersLoadedAt, values: [0, 1, 2, 3, 4].map(hourlyLoadsOnWeekdays).join(' ') }],
    expected: [],
  },
  {
    alert: 'DbtSourceFreshnessAnomaly',
    when: 'after four such weeks the orders loads stop on Wednesday at 10:00 and it is 14:00',
    interval: '1h',
    evalTime: '734h',
    // Same hour of the past weeks: loaded 0s before; spread 0 + 0 + 60s; now 4h: z = 14400 / 60 = 240.
    input: [{ series: ordersLoadedAt, values: `${[0, 1, 2, 3].map(hourlyLoadsOnWeekdays).join(' ')} ${672 * 3600}+3600x58 ${730 * 3600}x4` }],
    expected: [
      {
        labels: { severity: 'warning', team: 'analytics', project: 'shop', target: 'prod', source: 'shop', table: 'orders' },
        summary: 'dbt source shop.orders is later than usual',
        description: 'Source shop.orders of project shop was last loaded longer ago than at the same hour of the past 4 weeks (z-score 240.0), though maybe within its freshness thresholds: its loader is late.',
        dashboard: DASHBOARD,
      },
    ],
  },
];

const SCHEMA: Scenario[] = [
  {
    alert: 'DbtModelSchemaChanged',
    when: "a build pushes a new column fingerprint for fct_orders",
    interval: '1m',
    evalTime: '35m',
    input: [{ series: seriesOf('dbt_model_schema_fingerprint', model('fct_orders', 'analytics')), values: '209037838655126x30 85406104497635x30' }],
    expected: [
      {
        labels: { severity: 'info', team: 'analytics', project: 'shop', target: 'prod', model: 'fct_orders' },
        summary: 'dbt model fct_orders changed its columns',
        description: 'The columns of model fct_orders of project shop changed 1 time(s) in the past hour (added, removed or retyped): consumers of the table may break.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtModelSchemaChanged',
    when: 'builds keep pushing the same fingerprint',
    interval: '1m',
    evalTime: '35m',
    input: [{ series: seriesOf('dbt_model_schema_fingerprint', model('fct_orders', 'analytics')), values: '209037838655126x60' }],
    expected: [],
  },
];

/** The second project's own severity policy and floor reach its alerts. */
const FINANCE_CASES: Scenario[] = [
  {
    alert: 'DbtTestFailed',
    when: 'a severity-error test of the finance project, whose policy maps it to warning, fails',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...stateSet('dbt_test_status', { ...group('finance'), dbt_severity: 'error', model: 'ledger', owner: 'finance', test: 'not_null_ledger_id' }, TEST_STATES, 'error'),
      { series: seriesOf('dbt_test_failures', { ...group('finance'), dbt_severity: 'error', model: 'ledger', owner: 'finance', test: 'not_null_ledger_id' }), values: '0x30' },
    ],
    expected: [
      {
        labels: { severity: 'warning', team: 'finance', project: 'finance', target: 'prod', model: 'ledger', test: 'not_null_ledger_id', dbt_severity: 'error', owner: 'finance', outcome: 'fail' },
        summary: 'dbt test not_null_ledger_id on ledger failed',
        description: 'dbt test not_null_ledger_id (severity error) on model ledger of project finance found 0 failing rows, or could not run: models downstream of it were skipped.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DbtModelDurationRegression',
    when: 'a finance model grows from 20s to 45s, over its 30s floor',
    interval: '1h',
    evalTime: '170h',
    input: [{ series: seriesOf('dbt_model_duration_seconds', model('ledger', 'finance', 'finance')), values: '20x168 45x2' }],
    expected: [
      {
        labels: { severity: 'warning', team: 'finance', project: 'finance', target: 'prod', model: 'ledger', owner: 'finance' },
        summary: 'dbt model ledger runs slower than usual',
        description: 'Model ledger of project finance took 45s in its latest run, over 1.5x its 7-day average and over 30s: more data, a lost index or a changed plan.',
        dashboard: DASHBOARD,
      },
    ],
  },
];

const cases = (scenarios: readonly Scenario[]) => scenarioCases(groups, 'dbt', scenarios);

const shortCases = cases([...SHORT, ...SCHEMA, ...FINANCE_CASES.filter((s) => s.interval === '1m')]);
const longCases = cases([...LONG, ...FINANCE_CASES.filter((s) => s.interval !== '1m')]);
const anomalyCases = cases(ANOMALIES);
/**
 * Five weeks of hourly evaluations are the costly part: these cases run
 * against the two synthesized groups they read (records and the shop's
 * alerts), split over two files so both cores work on them.
 */
const anomalyRuleFile = { name: 'dbt-anomaly.yml', groups: groups.filter((g) => g.name === 'pipewatch-data-observability' || g.name === 'pipewatch-dbt-shop-prod') };
const dir = tempDirWith({
  [DBT_RULE_FILE]: renderRuleFile(groups),
  'dbt-test.yml': testFile(ruleFile, '1m', shortCases),
  'dbt-long-test.yml': testFile(ruleFile, '1h', longCases),
  [anomalyRuleFile.name]: renderRuleFile(anomalyRuleFile.groups),
  'dbt-anomaly-test-1.yml': testFile(anomalyRuleFile, '1h', anomalyCases.filter((_, i) => i % 2 === 0)),
  'dbt-anomaly-test-2.yml': testFile(anomalyRuleFile, '1h', anomalyCases.filter((_, i) => i % 2 === 1)),
});

describe('the dbt rule file under promtool', () => {
  const promtool = promtoolPath();
  const runs = ['dbt-test.yml', 'dbt-long-test.yml', 'dbt-anomaly-test-1.yml', 'dbt-anomaly-test-2.yml'].map((f) => [f, runToolAsync(promtool, ['test', 'rules', f], dir)] as const);

  it('GIVEN two dbt projects WHEN promtool checks the rule file THEN it is valid', () => {
    const result = runTool(promtool, ['check', 'rules', DBT_RULE_FILE], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.each(runs)(
    'GIVEN the cases in %s WHEN promtool runs them THEN every case passes',
    async (file, run) => {
      const result = await run;
      if (result.status !== 0) throw new Error(`promtool test rules ${file} failed (files in ${dir}):\n${result.output.slice(0, 6000)}`);
      expect(result.output).toContain('SUCCESS');
    },
    // Weeks of hourly evaluation: seconds alone, longer on a busy machine.
    180_000,
  );

  it('GIVEN every dbt alert of both projects WHEN the cases are counted THEN each has a firing and a silent case', () => {
    const coverage = alertCoverage(groups.filter((g) => g.name.includes('shop')), [...shortCases, ...longCases, ...anomalyCases]);
    expect(coverage.missing).toEqual([]);
  });
});
