import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { promisify } from 'util';
import { SECRETS_DIR } from '../../constructs/core/secrets';
import { ThrowawayPostgres } from '../metrics-app/support/postgres';
import { Upload, container, synthLocal, uploaded } from '../support/synth';

const run = promisify(execFile);

/** The postgres-setup job as the local stack synthesizes it: its script and the secret files it reads. */
function setupJob(extend: Parameters<typeof synthLocal>[0] = {}, addRoles?: (stack: ReturnType<typeof synthLocal>['stack']) => void) {
  const { json } = synthLocal(extend, addRoles);
  const job = container(json, 'dev-postgres-setup');
  const uploads = job.upload as Upload[];
  const script = uploaded(job, uploads.find((u) => u.file.endsWith('.sh'))!.file);
  const secrets = uploads.filter((u) => u.file.startsWith(`${SECRETS_DIR}/`)).map((u) => u.file.slice(SECRETS_DIR.length + 1));
  return { script, secrets };
}

describe('GIVEN the postgres-setup job of the local stack, run against a real PostgreSQL', () => {
  let server: ThrowawayPostgres;
  let secretsDir: string;
  const passwords: Record<string, string> = {};

  /** Runs the job's script as the container would, with its secret files in secretsDir and the server on loopback. */
  async function runSetup(job: { script: string; secrets: string[] }): Promise<void> {
    for (const name of job.secrets) {
      passwords[name] ??= name === 'postgres_password' ? readFileSync(server.passwordFile, 'utf8').trim() : randomBytes(12).toString('hex');
      writeFileSync(join(secretsDir, name), `${passwords[name]}\n`, { mode: 0o600 });
    }
    const scriptFile = join(secretsDir, 'setup.sh');
    writeFileSync(scriptFile, job.script.replaceAll(`${SECRETS_DIR}/`, `${secretsDir}/`).replaceAll('$${', '${'));
    await run('bash', [scriptFile], { env: { PATH: process.env.PATH, PGHOST: '127.0.0.1', PGPORT: String(server.port) }, timeout: 90_000 });
  }

  async function query<T = Record<string, unknown>>(user: string, database: string, text: string): Promise<T[]> {
    const client = new Client({ host: '127.0.0.1', port: server.port, user, database, password: passwords[`${user}_password`] });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    server = await ThrowawayPostgres.start();
    secretsDir = mkdtempSync(join(tmpdir(), 'pipewatch-pg-setup-'));
    await runSetup(setupJob());
  }, 120_000);

  afterAll(async () => {
    await server?.destroy();
    if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
  });

  test('THEN every role logs in with its generated password, owns its database, and the monitor has pg_monitor', async () => {
    expect(await query('airflow', 'airflow', 'SELECT current_database() AS db')).toEqual([{ db: 'airflow' }]);
    await query('pipeline_history', 'pipeline_history', 'CREATE TABLE runs (id int); INSERT INTO runs VALUES (1)');
    expect(await query('grafana_reader', 'pipeline_history', 'SELECT id FROM runs')).toEqual([{ id: 1 }]);
    expect(await query('postgres_exporter', 'postgres', "SELECT pg_has_role('postgres_exporter', 'pg_monitor', 'member') AS monitor")).toEqual([{ monitor: true }]);
  });

  test('WHEN it runs again on the same data THEN it succeeds and the data is kept', async () => {
    await runSetup(setupJob());
    expect(await query('grafana_reader', 'pipeline_history', 'SELECT id FROM runs')).toEqual([{ id: 1 }]);
  });

  test('WHEN a password changes THEN the next run sets it and the old one no longer works', async () => {
    const old = passwords.grafana_reader_password;
    passwords.grafana_reader_password = randomBytes(12).toString('hex');
    await runSetup(setupJob());
    expect(await query('grafana_reader', 'pipeline_history', 'SELECT count(*)::int AS n FROM runs')).toEqual([{ n: 1 }]);
    passwords.grafana_reader_password = old;
    await expect(query('grafana_reader', 'pipeline_history', 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    passwords.grafana_reader_password = readFileSync(join(secretsDir, 'grafana_reader_password'), 'utf8').trim();
  });

  test('WHEN a reader is added to an environment that already has data THEN the next run creates it, able to read the existing tables', async () => {
    await runSetup(setupJob({}, (stack) => stack.monitoring.postgres.addReader('audit_reader', 'pipeline_history')));
    expect(await query('audit_reader', 'pipeline_history', 'SELECT id FROM runs')).toEqual([{ id: 1 }]);
  });
});
