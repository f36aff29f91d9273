import { AlertRuleTest, Expected, expectedAlert, EXPORTER_TARGET, InputSeries, PromtoolTestCase, seriesOf } from './promtool-model';
import { CheckFailures, DagHistory, exporterSeries, hourlyRuns, Run, statsdSeries } from './series-model';

/**
 * The scenario catalogue: what a user of the example catalog (pipelines.yaml)
 * sees when things go wrong, evaluated by promtool on the rules the stack
 * synthesizes. Series are shaped as the exporters publish them (series-model.ts);
 * every expected alert, its labels and its text, is written here by hand from
 * the spec and the documented behaviour, never read from the rules.
 *
 * Times are minutes after the Unix epoch; Prometheus evaluates every minute,
 * except in the SLO scenarios that span days (every 10 or 30 minutes, to keep promtool fast).
 */

/** One check: at `minute`, exactly these alerts of that name are firing. */
interface Check {
  readonly minute: number;
  readonly alert: string;
  readonly firing: readonly Expected[];
}

export interface Scenario {
  readonly title: string;
  /** Minutes between samples and between rule evaluations. @default 1 */
  readonly step?: number;
  readonly input: readonly InputSeries[];
  readonly checks: readonly Check[];
}

/** `1970-01-01 05:00:00 +0000 UTC`, as humanizeTimestamp prints the interval end `minute`. */
function utc(minute: number): string {
  return new Date(minute * 60_000).toISOString().replace('T', ' ').replace(/\.000Z$/, ' +0000 UTC');
}

// datalake_ingest: @hourly, deadline 30m, maxStaleness 2h, owner data-platform, runFailed critical (the default).
const INGEST = 'datalake_ingest';
const ingest = { dag_id: INGEST, team: 'data-platform' };

const runFailed = (intervalMinute: number): Expected => ({
  labels: { ...ingest, severity: 'critical' },
  summary: 'Pipeline datalake_ingest has a failed run',
  description: `The latest run of datalake_ingest (data interval ending ${utc(intervalMinute)}) failed. Downstream data may be missing until a later run succeeds (owner: data-platform).`,
  dashboard: 'pipewatch-pipeline-detail',
});

const deadlineMissed = (intervalMinute: number): Expected => ({
  labels: { ...ingest, severity: 'critical' },
  summary: 'Pipeline datalake_ingest missed its deadline',
  description: `The run of datalake_ingest for the interval ending ${utc(intervalMinute)} (schedule "@hourly", UTC) has not succeeded within 30m of it.`,
  dashboard: 'pipewatch-sla-freshness',
});

const dataStale = (age: string): Expected => ({
  labels: { ...ingest, severity: 'warning' },
  summary: 'Data of pipeline datalake_ingest is stale',
  description: `datalake_ingest has had no successful data interval for ${age}; the allowed maximum is 2h.`,
  dashboard: 'pipewatch-sla-freshness',
});

const copyRunsLong = (runningFor: string): Expected => ({
  labels: { ...ingest, task_id: 'copy_to_raw_zone', severity: 'warning' },
  summary: 'Task copy_to_raw_zone of datalake_ingest runs long',
  description: `Task copy_to_raw_zone of datalake_ingest has been running for ${runningFor}, over 2x its expected 4m.`,
  dashboard: 'pipewatch-performance',
});

const unknownToAirflow: Expected = {
  labels: { ...ingest, severity: 'warning' },
  summary: 'Airflow does not know pipeline datalake_ingest',
  description: "Airflow's metadata database has had no DAG datalake_ingest for 15m: its file is not deployed, failed to import, or the dag_id was renamed.",
  dashboard: 'pipewatch-sla-freshness',
};

// An hourly DAG at 99% over 28 days: N = 672 runs, B = 6.72 failed runs; page at ≥ 7% of ≥ 10 runs over 1d, ticket at ≥ 1% over 7d.
const budgetFast = (ratio: string): Expected => ({
  labels: { ...ingest, severity: 'critical' },
  summary: 'Pipeline datalake_ingest burns its error budget fast',
  description: `${ratio} of the runs of datalake_ingest in the last 1d failed (at least 10 runs); at this rate the budget of 6.72 failed runs (99% over 28d) is spent within 7d.`,
  dashboard: 'pipewatch-pipeline-detail',
});

const budgetSlow = (ratio: string): Expected => ({
  labels: { ...ingest, severity: 'warning' },
  summary: 'Pipeline datalake_ingest will run out of error budget',
  description: `${ratio} of the runs of datalake_ingest in the last 7d failed (at least 10 runs); at this rate the budget of 6.72 failed runs (99% over 28d) is spent within 28d.`,
  dashboard: 'pipewatch-pipeline-detail',
});

// data_quality: checks orders_not_null and customers_unique, owner analytics, dataQuality warning.
const checkFailed = (check: string, times: number): Expected => ({
  labels: { dag_id: 'data_quality', check, team: 'analytics', severity: 'warning' },
  summary: `Data-quality check ${check} of data_quality failed`,
  description: `Check ${check} of pipeline data_quality failed ${times} time(s) in the last hour.`,
  dashboard: 'pipewatch-data-quality',
});

const R = 'PipelineRunFailed';
const D = 'PipelineDeadlineMissed';
const S = 'PipelineDataStale';
const T = 'PipelineTaskLongRunning';
const A = 'PipelineMetricsAbsent';
const FAST = 'PipelineErrorBudgetBurnFast';
const SLOW = 'PipelineErrorBudgetBurnSlow';
const Q = 'PipelineDataQualityCheckFailed';

const check = (minute: number, alert: string, ...firing: Expected[]): Check => ({ minute, alert, firing });
/** The same alerts expected at several minutes. */
const during = (minutes: readonly number[], alert: string, ...firing: Expected[]): Check[] => minutes.map((m) => check(m, alert, ...firing));
const ingestHistory = (runs: readonly Run[], end: number, extra: Partial<DagHistory> = {}) => exporterSeries({ dagId: INGEST, runs, end, ...extra });
const qualityChecks = (checks: readonly Omit<CheckFailures, 'dagId'>[], end: number, restartsAt: number[] = [], gaps?: [number, number][]) =>
  statsdSeries(checks.map((c) => ({ dagId: 'data_quality', ...c })), end, restartsAt, { gaps });

/** Scenarios Prometheus evaluates every minute. */
const MINUTE_SCENARIOS: readonly Scenario[] = [
  {
    title: 'an hourly DAG that fails after an exporter restart pages within 2 minutes',
    input: ingestHistory(hourlyRuns(1, 5, 6, (h) => h === 5), 320, { faults: { restarts: [290] } }),
    checks: [check(289, R), check(290, R), check(305, R), check(307, R, runFailed(300)), check(307, D), check(307, S)],
  },
  {
    title: 'an exporter restart after a failure neither resolves nor repeats PipelineRunFailed',
    input: ingestHistory(hourlyRuns(1, 5, 6, (h) => h === 5), 325, { faults: { restarts: [315] } }),
    checks: during([310, 315, 316, 320], R, runFailed(300)),
  },
  {
    title: 'an hourly DAG that hangs after an exporter restart: the hung task, the deadline and the stale data all still fire, through a second restart',
    input: ingestHistory(hourlyRuns(1, 3), 310, { faults: { restarts: [200, 280] }, tasks: [{ taskId: 'copy_to_raw_zone', from: 241, to: 305 }] }),
    checks: [
      check(249, T),
      check(251, T, copyRunsLong('10m 0s')),
      check(280, T, copyRunsLong('39m 0s')),
      check(280, D, deadlineMissed(240)),
      check(306, T),
      check(270, D),
      check(271, D, deadlineMissed(240)),
      check(300, S),
      check(301, S, dataStale('2h 1m 0s')),
      check(301, R),
    ],
  },
  {
    title: 'a 70-minute scrape gap without failures pages nothing when the scrapes come back',
    input: ingestHistory(hourlyRuns(1, 6), 300, { faults: { gaps: [[200, 270]] } }),
    checks: [270, 271, 280].flatMap((m) => [check(m, R), check(m, D), check(m, S), check(m, FAST), check(m, SLOW)]),
  },
  {
    title: 'a run that fails during a 70-minute scrape gap pages as soon as the scrapes come back',
    input: ingestHistory(hourlyRuns(1, 6, 6, (h) => h === 4), 280, { faults: { gaps: [[200, 270]] } }),
    checks: [check(269, R), check(270, R, runFailed(240)), check(271, D, deadlineMissed(240))],
  },
  {
    title: 'an hourly DAG whose first runs ever all fail: the first failure counts, and the SLO pages with the 10th run, not before',
    input: ingestHistory(hourlyRuns(1, 10, 6, () => true), 620),
    checks: [
      check(546, FAST),
      check(546, SLOW),
      check(606, FAST, budgetFast('100%')),
      check(606, SLOW, budgetSlow('100%')),
      check(606, R, runFailed(600)),
      // Never succeeded: no interval to count a deadline from; known to Airflow for over 2h without data.
      check(606, D),
      check(606, S, dataStale('2h 0m 0s')),
    ],
  },
  {
    title: 'a broken hourly DAG keeps PipelineDeadlineMissed firing across the top of the hour and resolves it when the late interval succeeds',
    input: ingestHistory([...hourlyRuns(1, 3), { interval: 240, finished: 310, state: 'success' }, { interval: 300, finished: 318, state: 'success' }], 340),
    checks: [check(270, D), ...during([271, 299, 300, 301, 309], D, deadlineMissed(240)), check(311, D), check(335, D)],
  },
  {
    title: 'an hourly DAG whose every run succeeds 40 minutes after its scheduled time misses its 30-minute deadline every hour',
    input: ingestHistory(hourlyRuns(1, 5, 40), 330),
    checks: [2, 3, 4].flatMap((h) => [check(h * 60 + 29, D), check(h * 60 + 31, D, deadlineMissed(h * 60)), check(h * 60 + 41, D)]),
  },
  {
    title: 'an hourly DAG with nine finished runs, all failed, gets no error-budget alert',
    input: ingestHistory(hourlyRuns(1, 9, 6, () => true), 700, { paused: [[560, 701]] }),
    checks: [...during([547, 700], FAST), ...during([547, 700], SLOW), check(700, R, runFailed(540))],
  },
  {
    title: 'a DAG Airflow knows but that never ran: PipelineDataStale after maxStaleness, nothing else',
    input: ingestHistory([], 200),
    checks: [check(119, S), check(121, S, dataStale('2h 0m 0s')), check(121, R), check(121, D), check(121, FAST)],
  },
  {
    title: 'a DAG Airflow does not know: PipelineMetricsAbsent after 15 minutes, and not while the exporter cannot read the database',
    input: [
      { series: seriesOf('pipewatch_airflow_db_up', EXPORTER_TARGET), values: '1x30 0x30' },
      ...['example_etl', 'data_quality', 'ml_pipeline', 'finance.daily_revenue'].flatMap((dagId) =>
        ['success', 'failed'].map((state) => ({ series: seriesOf('pipewatch_dag_runs_finished_total', { dag_id: dagId, state, ...EXPORTER_TARGET }), values: '0x60' })),
      ),
    ],
    checks: [check(14, A), check(16, A, unknownToAirflow), check(31, A)],
  },
  {
    title: 'an hourly DAG paused for two hours misses no deadline while paused or just after, goes stale, and recovers with its first run',
    input: ingestHistory([...hourlyRuns(1, 4), { interval: 360, finished: 376, state: 'success' }, { interval: 420, finished: 426, state: 'success' }], 440, { paused: [[250, 370]] }),
    checks: [
      ...during([331, 360, 371, 375, 380], D),
      check(360, S),
      check(365, S, dataStale('2h 5m 0s')),
      check(377, S),
      check(377, R),
    ],
  },
  {
    title: 'an hourly DAG whose runs are not created for two hours (scheduler down) misses its deadline until the next run succeeds',
    input: ingestHistory([...hourlyRuns(1, 3), { interval: 360, finished: 366, state: 'success' }], 380),
    checks: [
      check(270, D),
      ...during([271, 300, 331, 365], D, deadlineMissed(240)),
      check(301, S, dataStale('2h 1m 0s')),
      check(365, R),
      check(367, D),
      check(367, S),
    ],
  },
  {
    title: 'a DAG that recovers: PipelineRunFailed, PipelineDeadlineMissed and PipelineDataStale resolve with its first successful run',
    input: ingestHistory(hourlyRuns(1, 5, 6, (h) => h === 3 || h === 4), 320),
    checks: [
      check(305, R, runFailed(240)),
      check(305, D, deadlineMissed(180)),
      check(305, S, dataStale('3h 5m 0s')),
      check(307, R),
      check(307, D),
      check(307, S),
    ],
  },
  {
    title: 'a data-quality check whose counter is born at 1 pages for an hour',
    input: qualityChecks([{ check: 'orders_not_null', failedAt: [100] }], 200),
    checks: [check(99, Q), check(101, Q, checkFailed('orders_not_null', 1)), check(159, Q, checkFailed('orders_not_null', 1)), check(161, Q)],
  },
  {
    title: 'after a statsd_exporter restart, a check that stood at 1 and fails again pages for an hour',
    input: qualityChecks([{ check: 'orders_not_null', failedAt: [30, 230] }], 300, [200]),
    checks: [check(229, Q), ...during([231, 265, 289], Q, checkFailed('orders_not_null', 1)), check(291, Q)],
  },
  {
    title: 'a statsd_exporter restart without a new check failure pages nothing',
    input: qualityChecks([{ check: 'orders_not_null', failedAt: [30] }], 300, [200]),
    checks: during([190, 201, 210, 265, 300], Q),
  },
  {
    title: 'a check failing for the first time since a statsd_exporter restart hours ago pages',
    input: qualityChecks([{ check: 'orders_not_null', failedAt: [30, 40, 50, 60, 70, 300] }], 400, [100]),
    checks: [check(299, Q), check(301, Q, checkFailed('orders_not_null', 1)), check(361, Q)],
  },
  {
    title: 'a 70-minute scrape gap pages no old check failure on recovery, and pages the one that failed during the gap',
    input: qualityChecks(
      [
        { check: 'orders_not_null', failedAt: [30, 50, 70] },
        { check: 'customers_unique', failedAt: [30, 240] },
      ],
      300,
      [],
      [[200, 270]],
    ),
    checks: [check(269, Q), check(271, Q, checkFailed('customers_unique', 1)), check(290, Q, checkFailed('customers_unique', 1))],
  },
];

// ml_pipeline: daily at 02:00, runFailed: warning, 99% over 28d: N = 28 runs, B = 0.28; one tier, 10 runs over 10d at ≥ 0.7%.
const mlBudget: Expected = {
  labels: { dag_id: 'ml_pipeline', team: 'ml', severity: 'warning' },
  summary: 'Pipeline ml_pipeline burns its error budget fast',
  description: '100% of the runs of ml_pipeline in the last 10d failed (at least 10 runs); at this rate the budget of 0.28 failed runs (99% over 28d) is spent within 7d.',
  dashboard: 'pipewatch-pipeline-detail',
};

const DAY = 1440;
const dailyFailures: Run[] = Array.from({ length: 12 }, (_, i) => ({ interval: (i + 1) * DAY + 120, finished: (i + 1) * DAY + 180, state: 'failed' }));

/** Scenarios over days, sampled and evaluated less often to keep promtool fast. */
const LONG_SCENARIOS: readonly Scenario[] = [
  {
    title: 'an hourly DAG failing every other run pages once with its 10th run and stays firing, while PipelineRunFailed follows each run',
    step: 10,
    input: ingestHistory(hourlyRuns(1, 30, 10, (h) => h % 2 === 0), 1810, { step: 10 }),
    checks: [
      check(550, FAST),
      ...during([610, 730, 1000, 1570, 1690], FAST, budgetFast('50%')),
      ...during([610, 730, 1000, 1570, 1690], SLOW, budgetSlow('50%')),
      check(130, R, runFailed(120)),
      check(190, R),
      check(250, R, runFailed(240)),
    ],
  },
  {
    title: 'one failed run of an hourly DAG in five days raises PipelineRunFailed and no error-budget alert',
    step: 10,
    input: ingestHistory(hourlyRuns(1, 120, 10, (h) => h === 118), 7090, { step: 10 }),
    checks: [check(7090, R, runFailed(7080)), check(7090, FAST), check(7090, SLOW)],
  },
  {
    title: 'a daily DAG declared runFailed: warning that fails every run gets a warning SLO alert with its 10th run, never a critical one',
    step: 30,
    input: exporterSeries({ dagId: 'ml_pipeline', runs: dailyFailures, end: 12 * DAY + 180, step: 30 }),
    checks: [check(10 * DAY + 150, FAST), ...during([10 * DAY + 180, 12 * DAY + 180], FAST, mlBudget), check(12 * DAY + 180, SLOW)],
  },
];

export const SCENARIOS: readonly Scenario[] = [...MINUTE_SCENARIOS, ...LONG_SCENARIOS];

/** A scenario as a promtool test case. */
export function toPromtool(scenario: Scenario): PromtoolTestCase {
  const byMinuteAndAlert = scenario.checks.map<AlertRuleTest>((c) => ({
    eval_time: `${c.minute}m`,
    alertname: c.alert,
    exp_alerts: c.firing.map((e) => expectedAlert(c.alert, e)),
  }));
  return { name: scenario.title, interval: `${scenario.step ?? 1}m`, input_series: scenario.input, alert_rule_test: byMinuteAndAlert };
}
