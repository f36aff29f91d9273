import { MetricSource } from '../../content/metrics/catalog';
import { KPI_RECORDS } from '../../content/warehouse/rules';
import { parseQuery } from '../../dashboards/query-languages';
import { generatedPanelQueries, PanelQuery, sourcesOf, substitute, valueCombinations } from './harness/dashboard-queries';
import { LIVE_PIPELINES, liveTeams, NOT_RUN_LIVE } from './harness/live-configs';
import { LiveStack } from './harness/stack';
import { sleep, waitFor } from './harness/wait';

/**
 * Every panel query of dashboards/generated runs against the live Prometheus
 * with its template variables set to real values. A panel passes when it
 * returns data for at least one value of its variables (a pipeline-detail
 * panel about checks has data for data_quality, not for a DAG without
 * checks). The pipelines are put in states that give every panel something
 * to show: one stale, one slow, one failing, one with failing checks, and a
 * short PostgreSQL outage. LogQL panels are listed as not checked (no Loki).
 */
const MINUTE = 60_000;
/** Exporters whose metrics cannot exist live, with the reason (see NOT_RUN_LIVE). */
const SOURCES_NOT_RUN: Partial<Record<MetricSource, string>> = {
  cadvisor: `cadvisor is not run: ${NOT_RUN_LIVE.cadvisor}`,
  loki: `loki is not run: ${NOT_RUN_LIVE.loki}`,
  'otel-collector': `the log shipper is not part of this stack: ${NOT_RUN_LIVE.otelCollector}`,
  dbt: 'dbt is not run in this tier: npm run test:dbt checks the dbt panels on a real dbt run',
  ...Object.fromEntries(
    (['kafka-jmx', 'kafka-lag-exporter', 'spark', 'delta', 'mlflow', 'mlserver'] as const).map((s) => [s, `${s} is not run in this tier: npm run test:streaming checks the Streaming dashboard on real Kafka, Spark, Delta, MLflow and MLServer`]),
  ),
};
/** The KPI row reads the KPI monitors' records, which need warehouse.kpis and a week of history. */
const KPI_NOT_RUN = 'the KPI monitors compare with last week: npm run test:dbt backfills a week of KPI history and checks these panels';
/** Why no LogQL query can run live. */
const LOGQL_NOT_RUN = `LogQL needs Loki, which is not run: ${NOT_RUN_LIVE.loki}`;
/** Checks of the log path that need a running Loki, printed with the panels so the gap stays visible. */
const LOG_CHECKS_NOT_RUN = ["Loki's ingestion of the shipped OTLP logs", 'LokiDown on a Loki that stops'].map((check) => `NOT CHECKED ${check}: ${NOT_RUN_LIVE.loki}`);
/** Bursts of pipeline time between checks: rate() over $__rate_interval (1m) needs recent activity. */
const ROUNDS = 3;

interface Outcome {
  readonly query: PanelQuery;
  readonly withData: string[];
}

let stack: LiveStack;

beforeAll(async () => {
  stack = await LiveStack.start({ name: 'dashboards' });
  await stack.waitUntilScraping();
  // Two healthy hours first: every hourly DAG has finished runs, tasks and passed checks, as on any real platform.
  // One hour is not always enough: data_quality runs at :45, and its checks may still be running when the hour ends.
  await stack.simulator.advanceHours(2);
  await waitFor('Prometheus has passed checks of data_quality', async () => (await stack.prometheus.query('pipewatch_dq_checks_passed_total{dag_id="data_quality"}')).length > 0, {
    timeoutMs: 30_000,
    intervalMs: 1000,
  });
  await stack.simulator.setScenario('datalake_ingest', 'stale');
  await stack.simulator.setScenario('example_etl', 'slow');
  await stack.simulator.setScenario('data_quality', 'dq_drop');
  await stack.simulator.setScenario('ml_pipeline', 'fail');
  // A day: the daily ml_pipeline runs (and fails) once.
  await stack.simulator.advanceHours(24);
  // A short PostgreSQL outage: the simulator's history writes and postgres_exporter's scrapes fail.
  await stack.postgres.stop();
  await stack.simulator.advanceHours(1);
  await sleep(8_000);
  await stack.postgres.resume();
  // Alerts without `for` fire at the next evaluation; rate() and increase() need two scrapes after the jump.
  await sleep(15_000);
}, 3 * MINUTE);

afterAll(async () => stack?.stop(), MINUTE);

const liveValues: Record<string, string[]> = {
  dag_id: LIVE_PIPELINES.map((p) => p.dagId),
  team: liveTeams(),
};

async function hasData(expr: string): Promise<boolean> {
  return (await stack.prometheus.query(expr)).some((s) => !Number.isNaN(s.value));
}

/** Why a query cannot have data live, or undefined when it must. */
function notCheckable(query: PanelQuery): string[] {
  if (query.language === 'logql') return [LOGQL_NOT_RUN];
  if (parseQuery('promql', query.expr).metricNames.some((n) => (Object.values(KPI_RECORDS) as string[]).includes(n))) return [KPI_NOT_RUN];
  const sources = sourcesOf(query.expr);
  return sources.every((s) => s in SOURCES_NOT_RUN) ? sources.map((s) => SOURCES_NOT_RUN[s]!) : [];
}

describe('GIVEN the live stack with a stale, a slow, a failing pipeline and one with failing checks', () => {
  test('WHEN the dashboard template variables are read from Prometheus THEN every live pipeline is offered', async () => {
    // The variable's query: label_values(airflow_ti_finish, dag_id).
    expect(await stack.prometheus.labelValues('dag_id', 'airflow_ti_finish')).toEqual(expect.arrayContaining(liveValues.dag_id));
  });

  test('WHEN every panel query of dashboards/generated runs against the live Prometheus THEN each returns data', async () => {
    const all = generatedPanelQueries();
    const notChecked = all.flatMap((query) => {
      const reasons = notCheckable(query);
      return reasons.length > 0 ? [{ query, reasons }] : [];
    });
    const toCheck = all.filter((q) => !notChecked.some((n) => n.query === q));
    let pending: Outcome[] = toCheck.map((query) => ({ query, withData: [] }));
    for (let round = 1; round <= ROUNDS && pending.length > 0; round++) {
      if (round > 1) {
        await stack.simulator.advanceHours(1);
        await sleep(12_000);
      }
      for (const outcome of pending) {
        for (const values of valueCombinations(outcome.query.variables, liveValues)) {
          if (await hasData(substitute(outcome.query.expr, values))) outcome.withData.push(JSON.stringify(values));
        }
      }
      pending = pending.filter((o) => o.withData.length === 0);
    }
    const where = (q: PanelQuery) => `${q.dashboard} › ${q.panel} (${q.refId})`;
    console.log(
      [
        `panel queries: ${all.length}; with data: ${toCheck.length - pending.length}; without data: ${pending.length}; not checked: ${notChecked.length}`,
        ...notChecked.map((n) => `NOT CHECKED ${where(n.query)}: ${[...new Set(n.reasons)].join('; ')}`),
        ...LOG_CHECKS_NOT_RUN,
        ...pending.map((o) => `NO DATA ${where(o.query)}: ${o.query.expr}`),
      ].join('\n'),
    );
    expect(pending.map((o) => where(o.query))).toEqual([]);
    expect(toCheck.length).toBeGreaterThan(100);
  });
});
