import { loadConfig } from '../../metrics-app/src/config';
import { freePort } from '../support/ports';
import { sampleValue } from './support/exposition';
import { startedTestApp, TestApp, Call } from './support/app';
import { ThrowawayPostgres } from './support/postgres';

const FAST_RETRY = { initialBackoffMs: 100, maxBackoffMs: 400, flushDelayMs: 20 };

/** Unix seconds of 2025-01-06 (the tests' start) at hh:mm UTC. */
const at = (hour: number, minute: number) => 1_736_121_600 + hour * 3600 + minute * 60;

const etl = { dag_id: 'example_etl' };
const STATE_FAMILIES = [
  'pipewatch_dag_runs_finished_total',
  'pipewatch_dag_last_success_interval_end_seconds',
  'pipewatch_dag_last_finished_interval_end_seconds',
  'pipewatch_dag_last_run_failed',
];

type Sim = TestApp & { call: Call };

async function metric(sim: Sim, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  return sampleValue((await sim.call('GET', '/metrics')).text, name, labels);
}

/** The samples of the durable state families: series and value. */
async function stateSamples(sim: Sim): Promise<Map<string, number>> {
  const text = (await sim.call('GET', '/metrics')).text;
  const lines = text.split('\n').filter((line) => STATE_FAMILIES.some((f) => line.startsWith(`${f}{`)));
  return new Map(lines.map((line) => [line.replace(/ \S+$/, ''), Number(line.split(' ').pop())]));
}

/** Same series; values equal to the millisecond the history stores timestamps in. */
function expectSameSamples(after: Map<string, number>, before: Map<string, number>): void {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [series, value] of before) expect({ series, differs: Math.abs(after.get(series)! - value) > 0.001 }).toEqual({ series, differs: false });
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a simulator restarted against the same PostgreSQL', () => {
  let postgres: ThrowawayPostgres;
  let first: Sim | undefined;
  let second: Sim | undefined;

  beforeAll(async () => {
    postgres = await ThrowawayPostgres.start();
  }, 60_000);

  afterAll(async () => {
    await first?.app.stop();
    await second?.app.stop();
    await postgres?.destroy();
  });

  const start = () => startedTestApp({ postgres: loadConfig(postgres.env()).postgres }, { historyRetry: FAST_RETRY });

  test('GIVEN six pipeline hours of example_etl written to the history, the last five runs failed, WHEN the simulator restarts THEN it publishes the same counters and interval ends, and counting continues', async () => {
    // GIVEN: the 00:15 run of example_etl succeeds, the 01:15 to 05:15 runs fail.
    first = await start();
    await first.call('POST', '/clock/advance', { seconds: 3600 });
    first.app.scenarios.set({ dagId: 'example_etl', kind: 'fail' });
    await first.call('POST', '/clock/advance', { seconds: 5 * 3600 });
    await eventually(async () => (await metric(first!, 'pipewatch_simulator_history_buffered_rows')) === 0 && first!.app.history.isReady(), 'every run is written');
    const before = await stateSamples(first);
    await first.app.stop();
    first = undefined;

    // WHEN
    second = await start();
    expectSameSamples(await stateSamples(second), before);
    expect(await metric(second, 'pipewatch_dag_runs_finished_total', { ...etl, state: 'failed' })).toBe(5);
    expect(await metric(second, 'pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })).toBe(1);
    expect(await metric(second, 'pipewatch_dag_last_run_failed', etl)).toBe(1);
    // Pipeline time resumed six hours ahead of the wall clock (still at 00:00 in this test), so timestamps keep their
    // pipeline-time age: the 05:15 run is 45 minutes old, the 00:15 one 5 h 45 min.
    expect(await metric(second, 'pipewatch_dag_last_finished_interval_end_seconds', etl)).toBe(at(-1, 15));
    expect(await metric(second, 'pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(-6, 15));
    expect(await metric(second, 'pipewatch_airflow_db_up')).toBe(1);
    expect(await metric(second, 'pipewatch_airflow_db_query_duration_seconds')).toBeGreaterThan(0);
    expect(second.log.lines.some((l) => l.msg === 'run state restored from the run history' && l.dags === 5)).toBe(true);

    // THEN counting continues: the 06:15 and 07:15 runs succeed.
    await second.call('POST', '/clock/advance', { seconds: 2 * 3600 });
    expect(await metric(second, 'pipewatch_dag_runs_finished_total', { ...etl, state: 'failed' })).toBe(5);
    expect(await metric(second, 'pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })).toBe(3);
    expect(await metric(second, 'pipewatch_dag_last_run_failed', etl)).toBe(0);
  }, 30_000);
});

describe('a simulator whose PostgreSQL is unreachable at start', () => {
  test('GIVEN no server on the PostgreSQL port WHEN the simulator starts THEN it serves with empty run state, logs it and sets pipewatch_airflow_db_up to 0', async () => {
    const port = await freePort();
    const sim = await startedTestApp({ postgres: { host: '127.0.0.1', port, user: 'pipewatch', database: 'pipewatch' } }, { historyRetry: FAST_RETRY });
    try {
      expect((await sim.call('GET', '/metrics')).status).toBe(200);
      expect(await metric(sim, 'pipewatch_airflow_db_up')).toBe(0);
      expect(await metric(sim, 'pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })).toBe(0);
      expect(sim.log.lines.some((l) => l.level === 'warn' && String(l.msg).startsWith('run history unreachable at start'))).toBe(true);
    } finally {
      await sim.app.stop(100);
    }
  });
});
