import { Client } from 'pg';
import { readFileSync } from 'fs';
import { loadConfig } from '../../metrics-app/src/config';
import { startedTestApp, TestApp, Call } from './support/app';
import { ThrowawayPostgres } from './support/postgres';

/** Short retries so an outage and recovery take a second, not minutes. */
const FAST_RETRY = { initialBackoffMs: 100, maxBackoffMs: 400, flushDelayMs: 20 };

describe('run history in a real PostgreSQL', () => {
  let postgres: ThrowawayPostgres;
  let sim: TestApp & { call: Call };

  beforeAll(async () => {
    postgres = await ThrowawayPostgres.start();
    const { postgres: settings } = loadConfig(postgres.env());
    sim = await startedTestApp({ postgres: settings }, { historyRetry: FAST_RETRY });
  }, 60_000);

  afterAll(async () => {
    await sim?.app.stop();
    await postgres?.destroy();
  });

  async function sql<T extends Record<string, unknown>>(text: string): Promise<T[]> {
    const client = new Client({ host: '127.0.0.1', port: postgres.port, user: postgres.user, database: postgres.database, password: readFileSync(postgres.passwordFile, 'utf8').trim() });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Runs the app has finished, according to its own metrics. */
  async function finishedRuns(): Promise<number> {
    const text = (await sim.call('GET', '/metrics')).text;
    return [...text.matchAll(/^airflow_dagrun_(?:duration|failed)_count\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  async function metric(name: string): Promise<number> {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec((await sim.call('GET', '/metrics')).text);
    return Number(match?.[1]);
  }

  async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('GIVEN PostgreSQL configured WHEN the app starts THEN its migration creates pipeline_runs and /readyz turns ready', async () => {
    await eventually(async () => (await sim.call('GET', '/readyz')).status === 200, '/readyz is 200');
    expect(await sql('SELECT version, name FROM pipewatch_schema_migrations')).toEqual([{ version: 1, name: 'create pipeline_runs' }]);
  });

  test('GIVEN runs finishing WHEN pipeline time passes THEN every run is written with its timings', async () => {
    await sim.call('POST', '/clock/advance', { seconds: 6 * 3600 });
    const expected = await finishedRuns();
    expect(expected).toBeGreaterThan(10);
    await eventually(async () => Number((await sql<{ n: string }>('SELECT count(*) AS n FROM pipeline_runs'))[0].n) === expected, `${expected} rows are in pipeline_runs`);
    const [run] = await sql<Record<string, any>>("SELECT * FROM pipeline_runs WHERE dag_id = 'example_etl' ORDER BY finished_at LIMIT 1");
    expect(run).toMatchObject({ dag_id: 'example_etl', state: 'success', run_id: 'scheduled__2025-01-06T00:15:00+00:00', scheduled_at: new Date('2025-01-06T00:15:00Z') });
    expect((run.finished_at.getTime() - run.started_at.getTime()) / 1000).toBeCloseTo(run.duration_seconds, 2);
    expect(Number(run.rows_processed)).toBeGreaterThan(0);
    const runs = await sim.call('GET', '/runs?dagId=example_etl&limit=2');
    expect(runs.json.runs).toHaveLength(2);
  });

  test('GIVEN PostgreSQL stops WHEN runs keep finishing THEN /metrics keeps serving, failed writes are counted and the rows wait in the buffer', async () => {
    const writtenBefore = await finishedRuns();
    await postgres.pause();
    await sim.call('POST', '/clock/advance', { seconds: 3 * 3600 });
    const waiting = (await finishedRuns()) - writtenBefore;
    expect(waiting).toBeGreaterThan(0);
    await eventually(async () => (await metric('pipewatch_simulator_history_write_errors_total')) >= 2, 'two failed writes are counted');
    expect(await metric('pipewatch_simulator_history_buffered_rows')).toBe(waiting);
    expect(await metric('pipewatch_simulator_history_dropped_rows_total')).toBe(0);
    expect((await sim.call('GET', '/metrics')).status).toBe(200);
    expect((await sim.call('GET', '/readyz')).status).toBe(200);
    expect((await sim.call('GET', '/runs')).status).toBe(503);
    expect(sim.log.lines.some((l) => l.msg === 'run history write failed; keeping rows and retrying')).toBe(true);
  });

  test('GIVEN PostgreSQL comes back WHEN the retry runs THEN the buffered rows are written and nothing was dropped', async () => {
    await postgres.resume();
    const expected = await finishedRuns();
    await eventually(async () => (await metric('pipewatch_simulator_history_buffered_rows')) === 0, 'the buffer is empty');
    expect(Number((await sql<{ n: string }>('SELECT count(*) AS n FROM pipeline_runs'))[0].n)).toBe(expected);
    expect(await metric('pipewatch_simulator_history_dropped_rows_total')).toBe(0);
    expect(sim.log.lines.some((l) => l.msg === 'run history written again')).toBe(true);
  });

  test('GIVEN a second simulator on the same database WHEN it starts THEN the migration is not applied twice and its runs do not collide', async () => {
    const second = await startedTestApp({ postgres: loadConfig(postgres.env()).postgres }, { historyRetry: FAST_RETRY });
    try {
      await eventually(async () => (await second.call('GET', '/readyz')).status === 200, 'the second app is ready');
      await second.call('POST', '/clock/advance', { seconds: 3600 });
      await eventually(
        async () => Number((await sql<{ n: string }>('SELECT count(DISTINCT simulation_id) AS n FROM pipeline_runs'))[0].n) === 2,
        'both simulations have rows',
      );
      expect(await sql('SELECT version FROM pipewatch_schema_migrations')).toEqual([{ version: 1 }]);
    } finally {
      await second.app.stop();
    }
  });
});
