import { KPI_SECTION } from '../../dashboards/datalake-warehouse';
import { allDashboards } from '../../dashboards/index';
import { panelsOf } from '../../dashboards/panels';
import { getText } from '../live/harness/http';
import { alertMatching, ReceivedAlert } from '../live/harness/webhook-receiver';
import { sleep, waitFor } from '../live/harness/wait';
import { DbtStack, RECEIVER } from './harness';

/**
 * Real dbt 1.12 builds the example project (dbt/shop) against a real
 * PostgreSQL; each invocation's artifacts are pushed to a real Pushgateway,
 * Prometheus evaluates the stack's dbt rules and Alertmanager notifies a
 * webhook. Expected labels and texts are written out by hand.
 */
const WAIT = { timeoutMs: 90_000, intervalMs: 500 };
const SHOP = { project: 'shop', target: 'dev', team: 'analytics' };
const ACCEPTED_STATUS_TEST = 'accepted_values_stg_orders_status__placed__shipped__completed__returned';

/** The alerts the broken warehouse must raise, each identified by the labels that tell it apart. */
const BROKEN: readonly Readonly<Record<string, string>>[] = [
  { ...SHOP, alertname: 'DbtModelFailed', severity: 'critical', model: 'stg_customers', owner: 'analytics' },
  { ...SHOP, alertname: 'DbtTestFailed', severity: 'critical', outcome: 'fail', test: 'unique_stg_orders_order_id', model: 'stg_orders', dbt_severity: 'error' },
  { ...SHOP, alertname: 'DbtTestFailed', severity: 'warning', outcome: 'warn', test: ACCEPTED_STATUS_TEST, model: 'stg_orders', dbt_severity: 'warn' },
  { ...SHOP, alertname: 'DbtSourceFreshness', severity: 'critical', freshness: 'error', source: 'shop', table: 'payments', owner: 'data-platform' },
  { ...SHOP, alertname: 'DbtSourceFreshness', severity: 'warning', freshness: 'warn', source: 'shop', table: 'customers', owner: 'data-platform' },
];

let stack: DbtStack;

beforeAll(async () => {
  stack = await DbtStack.start();
  await stack.loadExampleTables();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const arrived = (status: 'firing' | 'resolved', labels: Readonly<Record<string, string>>) =>
  waitFor(`${labels.alertname} ${JSON.stringify(labels)} arrives ${status} at ${RECEIVER}`, async () => stack.webhook.alerts.find(alertMatching({ receiver: RECEIVER, status, labels })), WAIT);

async function query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]> {
  return stack.prometheus.query(expr);
}

/**
 * What each KPI panel query must return from the backfilled week (tests/dbt/kpi-history.ts: conversion
 * rate 4% until a day ago and 4.2% since, refund rate 2% then 2.3%), by KPI, worked out by hand.
 */
const KPI_PANEL_VALUES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'max by (kpi) (kpi:pipewatch_kpi_value:max)': { conversion_rate: 0.042, refund_rate: 0.023 },
  'max by (kpi) (kpi:pipewatch_kpi_value_last_week:max)': { conversion_rate: 0.04, refund_rate: 0.02 },
  // (0.042 - 0.04) / 0.04 and (0.023 - 0.02) / 0.02
  'max by (kpi) (kpi:pipewatch_kpi_change_vs_last_week:ratio)': { conversion_rate: 0.05, refund_rate: 0.15 },
  // A rising conversion rate is better, a rising refund rate worse.
  'max by (kpi) (kpi:pipewatch_kpi_worse_vs_last_week:ratio)': { conversion_rate: -0.05, refund_rate: 0.15 },
  'max by (kpi) (kpi:pipewatch_kpi_allowed_worse_vs_last_week:ratio)': { conversion_rate: 0.05, refund_rate: 0.2 },
};

describe('GIVEN two KPI monitors and a week of KPI history loaded into Prometheus before it started', () => {
  it('WHEN the KPI row of the Data Lake & Warehouse dashboard is opened THEN each of its queries shows both KPIs against last week with the allowed change', async () => {
    const dashboard = allDashboards([]).find((d) => d.key === 'dataLakeWarehouse')!;
    const panels = panelsOf(dashboard.json).filter((p) => p.row === KPI_SECTION);
    expect(panels.map((p) => p.title)).toEqual(['KPIs against last week', 'KPI worse than last week vs allowed', 'KPI now and last week']);
    const queries = panels.flatMap((p) => p.queries.map((q) => q.expr));
    expect([...new Set(queries)].sort()).toEqual(Object.keys(KPI_PANEL_VALUES).sort());
    for (const expr of queries) {
      const byKpi = await waitFor(`${expr} returns both KPIs`, async () => {
        const samples = await query(expr);
        return samples.length === 2 && Object.fromEntries(samples.map((s) => [s.metric.kpi, s.value]));
      }, WAIT);
      const expected = KPI_PANEL_VALUES[expr];
      expect(Object.keys(byKpi).sort()).toEqual(Object.keys(expected).sort());
      for (const kpi of Object.keys(expected)) expect(byKpi[kpi]).toBeCloseTo(expected[kpi], 9);
    }
    console.log(`PASS KPI row: ${panels.length} panels, ${queries.length} queries with data for both KPIs from a week of backfilled history`);
  });
});

describe('GIVEN the example dbt project over the shop warehouse', () => {
  it('WHEN dbt builds it and checks freshness on fresh, valid tables THEN every model and test passes, the metrics reach Prometheus and no dbt alert fires', async () => {
    const build = await stack.dbt('build');
    expect(build).toEqual(expect.objectContaining({ exitCode: 0 }));
    expect(build.output).toContain('PASS=22 WARN=0 ERROR=0 SKIP=0');
    expect((await stack.dbt('source_freshness')).exitCode).toBe(0);

    const succeeded = await waitFor('the five models are in Prometheus as built', async () => {
      const models = await query('dbt_model_status{project="shop", target="dev", command="build", status="success"} == 1');
      return models.length === 5 && models.map((s) => s.metric.model).sort();
    }, WAIT);
    expect(succeeded).toEqual(['dim_customers', 'fct_orders', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(await query('count(dbt_test_status{project="shop", status="pass"} == 1)')).toEqual([expect.objectContaining({ value: 17 })]);
    // Five orders and four customers in example_tables.sql: the marts are tables, so the adapter counts their rows.
    const rows = await query('dbt_model_rows_affected{project="shop"}');
    expect(Object.fromEntries(rows.map((s) => [s.metric.model, s.value]))).toEqual({ fct_orders: 5, dim_customers: 4 });
    const errorAfter = await waitFor('freshness thresholds are in Prometheus', async () => {
      const series = await query('dbt_source_freshness_error_after_seconds{project="shop"}');
      return series.length === 3 && Object.fromEntries(series.map((s) => [s.metric.table, s.value]));
    }, WAIT);
    expect(errorAfter).toEqual({ orders: 12 * 3600, customers: 24 * 3600, payments: 24 * 3600 });
    expect(await query('dbt_model_upstream{model="fct_orders"}')).toHaveLength(2);

    // Several evaluation rounds (5s each) after the data arrived: a rule that would fire on clean data has.
    await sleep(15_000);
    expect((await stack.prometheus.alerts()).map((a) => a.labels.alertname)).toEqual([]);
  });

  it('WHEN a raw column is renamed, a duplicate order with an unknown status arrives and two sources stop loading THEN the failed model, both failed tests and both stale sources page the owner team', async () => {
    await stack.sql(`
      alter table raw.customers rename column name to full_name;
      insert into raw.orders (id, customer_id, status, ordered_at) values (105, 4, 'lost', now() - interval '5 minutes');
      update raw.payments set _loaded_at = now() - interval '30 hours';
      update raw.customers set _loaded_at = now() - interval '8 hours';
    `);
    const build = await stack.dbt('build');
    expect(build.exitCode).toBe(1);
    // stg_customers fails; the unique test on stg_orders fails, so fct_orders and dim_customers (and their tests) are skipped.
    expect(build.output).toMatch(/ERROR=2 .*SKIP=\d+/);
    expect((await stack.dbt('source_freshness')).exitCode).toBe(1);

    const received: ReceivedAlert[] = [];
    for (const labels of BROKEN) received.push(await arrived('firing', labels));

    const modelFailed = received[0];
    expect(modelFailed.annotations).toEqual({
      summary: 'dbt model stg_customers failed',
      description: 'The latest invocation of dbt project shop (target dev) could not build model stg_customers (model owner: analytics); models downstream of it were skipped and keep old data until it builds again.',
      runbook_url: 'https://github.com/pipewatch/pipewatch/blob/main/docs/runbooks.md#dbtmodelfailed',
      dashboard_url: 'http://localhost:3000/d/pipewatch-dbt',
    });
    // One duplicated order id: dbt's unique test returns one row per duplicated value.
    expect(received[1].annotations.description).toBe(
      'dbt test unique_stg_orders_order_id (severity error) on model stg_orders of project shop found 1 failing rows, or could not run: models downstream of it were skipped.',
    );
    expect(received[3].annotations.description).toMatch(/^The newest row of source shop\.payments \(project shop, owner data-platform\) was loaded 1d 6h \d+m \d+s ago, past the error_after/);

    // Nothing else: models skipped because of the failures do not page on their own.
    const firing = (await stack.prometheus.alerts()).filter((a) => a.state === 'firing');
    expect(firing.map((a) => `${a.labels.alertname}:${a.labels.model ?? a.labels.table}`).sort()).toEqual([
      'DbtModelFailed:stg_customers',
      'DbtSourceFreshness:customers',
      'DbtSourceFreshness:payments',
      'DbtTestFailed:stg_orders',
      'DbtTestFailed:stg_orders',
    ]);
  });

  it('WHEN the dbt dashboard is opened on the broken warehouse THEN every one of its queries returns data', async () => {
    const dbt = allDashboards([]).find((d) => d.key === 'dbt');
    const queries = panelsOf(dbt!.json).flatMap((p) => p.queries.map((q) => ({ panel: p.title, expr: q.expr })));
    expect(queries.length).toBeGreaterThanOrEqual(12);
    const empty: string[] = [];
    for (const q of queries) if ((await query(q.expr)).length === 0) empty.push(`${q.panel}: ${q.expr}`);
    expect(empty).toEqual([]);
  });

  it('WHEN the Pushgateway restarts THEN it serves the failed build again from its persistence file', async () => {
    await stack.pushgateway.restart();
    const exposition = await getText(`${stack.pushgatewayUrl}/metrics`);
    const line = exposition.split('\n').find((l) => l.startsWith('dbt_model_status{') && l.includes('model="stg_customers"') && l.includes('status="error"'));
    expect(line).toMatch(/command="build".*project="shop".*target="dev".* 1$/);
  });

  it('WHEN the tables are loaded afresh and dbt runs clean THEN every alert resolves at the webhook', async () => {
    await stack.loadExampleTables();
    expect((await stack.dbt('build')).exitCode).toBe(0);
    expect((await stack.dbt('source_freshness')).exitCode).toBe(0);
    for (const labels of BROKEN) await arrived('resolved', labels);
    expect((await stack.prometheus.alerts()).filter((a) => a.state === 'firing')).toEqual([]);
  });
});

/** Inserts a row into the warehouse every second until stopped: a primary that keeps writing. */
function keepWriting(): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    await stack.sql('create table if not exists lag_probe (at timestamptz default now())');
    while (running) {
      await stack.sql('insert into lag_probe default values');
      await sleep(1000);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('GIVEN a second PostgreSQL streaming from the warehouse (pg_basebackup -R), scraped by postgres_exporter 0.11.1 with the stack\'s queries file, and a lag bound of 5s held for 10s', () => {
  const lagAlert = () => ({ alertname: 'PostgresReplicationLagHigh', severity: 'warning', team: 'analytics', instance: stack.replicaInstance });
  const lag = async () => (await query(`pipewatch_pg_replication_lag_seconds{instance="${stack.replicaInstance}"}`))[0]?.value;

  it('WHEN the replica streams while the primary writes THEN it reports itself a replica with no lag and the alert stays quiet', async () => {
    const writer = keepWriting();
    try {
      const isReplica = await waitFor('the replica exporter is scraped', async () => (await query(`pipewatch_pg_replication_is_replica{instance="${stack.replicaInstance}"}`))[0]?.value, WAIT);
      expect(isReplica).toBe(1);
      // Scrapes every 5s over 20s of writes: each sees the replica caught up (0, or a fraction of a second mid-write).
      const lags: number[] = [];
      for (let i = 0; i < 4; i++) {
        await sleep(5_000);
        lags.push((await lag()) ?? NaN);
      }
      expect(lags).toHaveLength(4);
      for (const seconds of lags) expect(seconds).toBeLessThan(1);
      expect((await stack.prometheus.alerts()).filter((a) => a.labels.alertname === 'PostgresReplicationLagHigh')).toEqual([]);
    } finally {
      await writer.stop();
    }
  });

  it('WHEN replay is paused on the replica while the primary keeps writing THEN the lag passes the bound and the alert reaches the webhook; WHEN replay resumes THEN it resolves', async () => {
    const writer = keepWriting();
    try {
      const paused = Date.now();
      await stack.replica.runAsAdmin(['SELECT pg_wal_replay_pause()']);
      const fired = await waitFor('PostgresReplicationLagHigh arrives firing', async () => stack.webhook.alerts.find(alertMatching({ receiver: RECEIVER, status: 'firing', labels: lagAlert() })), WAIT);
      const firedAfter = (Date.now() - paused) / 1000;
      expect(fired.annotations.description).toMatch(/^Replica 127\.0\.0\.1:\d+ replays changes \d+(\.\d+)?s behind its primary, over the declared bound of 5s/);
      expect(await lag()).toBeGreaterThan(5);
      console.log(`PASS PostgresReplicationLagHigh fired at the webhook ${firedAfter.toFixed(1)}s after replay was paused (bound 5s, for 10s, scrape and evaluation every 5s)`);

      const resumed = Date.now();
      await stack.replica.runAsAdmin(['SELECT pg_wal_replay_resume()']);
      await waitFor('PostgresReplicationLagHigh arrives resolved', async () => stack.webhook.alerts.find(alertMatching({ receiver: RECEIVER, status: 'resolved', labels: lagAlert() })), WAIT);
      expect(await lag()).toBeLessThan(1);
      console.log(`PASS PostgresReplicationLagHigh resolved at the webhook ${((Date.now() - resumed) / 1000).toFixed(1)}s after replay resumed`);
    } finally {
      await writer.stop();
      await stack.replica.runAsAdmin(['SELECT pg_wal_replay_resume()']).catch(() => undefined);
    }
  });
});
