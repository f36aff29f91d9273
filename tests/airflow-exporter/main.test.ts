/**
 * `npm run airflow-exporter` as its own process: configuration errors, the
 * password file, the log lines and the exposition promtool accepts.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { resolve } from 'path';
import { AirflowMetadataDb } from './support/airflow-metadata';
import { valueOf } from './support/exposition';
import { testTool } from '../support/tools';

const REPO_ROOT = resolve(__dirname, '../..');

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly lines: () => Array<Record<string, any>>;
  readonly exited: Promise<number | null>;
}

function startExporter(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'airflow-exporter/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', BIND_ADDRESS: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // `close`, not `exit`: it waits for stdout and stderr to drain, so the last log lines are in `output`.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  const lines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { child, output: () => output, lines, exited };
}

async function waitForLine(started: Started, msg: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = started.lines().find((l) => l.msg === msg);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no "${msg}" log line; got ${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run airflow-exporter (airflow-exporter/src/main.ts)', () => {
  test('GIVEN no PGHOST WHEN started THEN it exits with code 2 and one JSON line naming the variable and the fix', async () => {
    const started = startExporter({});
    expect(await started.exited).toBe(2);
    expect(started.lines()).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringMatching(/^invalid PGHOST="": set PGHOST/), exitCode: 2 })]);
  });

  describe('GIVEN Airflow 3.1.8 metadata with one successful run', () => {
    let db: AirflowMetadataDb;
    beforeAll(async () => {
      db = await AirflowMetadataDb.start();
      await db.addDag('example_etl');
      await db.addRun({ dagId: 'example_etl', runId: 'scheduled__00', state: 'success', runAfter: '2026-01-01T01:00:00Z', logicalDate: '2026-01-01T00:00:00Z', interval: ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'], endDate: '2026-01-01T01:05:00Z' });
    }, 120_000);
    afterAll(async () => {
      await db?.stop();
    }, 60_000);

    test('WHEN started with PGPASSWORD_FILE THEN it reads the password, serves the values, promtool accepts the exposition, and neither logs nor /metrics contain the password', async () => {
      const started = startExporter(db.exporterEnv());
      try {
        const up = await waitForLine(started, 'airflow exporter started');
        await waitForLine(started, 'Airflow metadata database query succeeded');
        const response = await fetch(`http://${up.address}/metrics`);
        const text = await response.text();
        expect(valueOf(text, 'pipewatch_dag_last_success_interval_end_seconds', { dag_id: 'example_etl' })).toBe(1767229200); // 2026-01-01T01:00:00Z
        expect(valueOf(text, 'pipewatch_airflow_db_up')).toBe(1);
        expect((await fetch(`http://${up.address}/readyz`)).status).toBe(200);

        const check = spawnSync(testTool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
        if (check.error) throw new Error(`promtool could not run (${check.error.message}); install it with scripts/install-test-tools.sh`);
        expect(`${check.stdout}${check.stderr}`).toBe('');
        expect(check.status).toBe(0);

        expect(text).not.toContain(db.exporterPassword);
        started.child.kill('SIGTERM');
        expect(await started.exited).toBe(0);
        expect(started.output()).not.toContain(db.exporterPassword);
        expect(started.lines().map((l) => l.msg).slice(-2)).toEqual(['shutting down', 'airflow exporter stopped']);
      } finally {
        started.child.kill('SIGKILL');
      }
    });

    test('WHEN the password file holds a wrong password THEN /readyz is 503, db_up is 0, the error is logged and neither password appears', async () => {
      const wrong = 'wrong-password-4711';
      const started = startExporter(db.exporterEnv(db.passwordFile(`${wrong}\n`)));
      try {
        const up = await waitForLine(started, 'airflow exporter started');
        const failed = await waitForLine(started, 'Airflow metadata database query failed');
        expect(failed.error.message).toMatch(/password authentication failed for user "pipewatch_exporter"/);
        expect((await fetch(`http://${up.address}/readyz`)).status).toBe(503);
        const text = await (await fetch(`http://${up.address}/metrics`)).text();
        expect(valueOf(text, 'pipewatch_airflow_db_up')).toBe(0);
        started.child.kill('SIGTERM');
        expect(await started.exited).toBe(0);
        expect(started.output()).not.toContain(wrong);
        expect(started.output()).not.toContain(db.exporterPassword);
      } finally {
        started.child.kill('SIGKILL');
      }
    });
  });
});
