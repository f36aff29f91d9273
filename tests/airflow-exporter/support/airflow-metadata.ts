import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { Pool } from 'pg';
import { ThrowawayPostgres } from '../../metrics-app/support/postgres';
import { testTool } from '../../support/tools';

const run = promisify(execFile);


/** The read-only role docs/airflow-exporter.md tells operators to create, with exactly its grants. */
export const EXPORTER_ROLE = 'pipewatch_exporter';
const EXPORTER_GRANTS = [
  `GRANT CONNECT ON DATABASE airflow TO ${EXPORTER_ROLE}`,
  `GRANT USAGE ON SCHEMA public TO ${EXPORTER_ROLE}`,
  `GRANT SELECT ON dag, dag_run, task_instance TO ${EXPORTER_ROLE}`,
];

/**
 * A throwaway PostgreSQL holding Airflow 3.1.8's real metadata schema,
 * created by `airflow db migrate` (about 10 s), plus the exporter's
 * read-only role. Scenario rows are inserted by hand.
 */
export class AirflowMetadataDb {
  private constructor(
    readonly postgres: ThrowawayPostgres,
    /** Connections as the schema owner, to write scenario rows; reconnects after the server was paused. */
    readonly owner: Pool,
    private readonly secretsDir: string,
    readonly exporterPassword: string,
    readonly migrateSeconds: number,
  ) {}

  static async start(): Promise<AirflowMetadataDb> {
    // The venv scripts/install-airflow.sh builds, recorded by install-test-tools.sh; the tests never install it.
    const venv = testTool('airflow_venv');
    const airflow = join(venv, 'bin/airflow');
    if (!existsSync(airflow)) {
      throw new Error(`Airflow 3.1.8 is not installed at ${venv}: run \`bash scripts/install-test-tools.sh\` (scripts/test-all.sh does it before npm test)`);
    }
    const postgres = await ThrowawayPostgres.start();
    try {
      const secretsDir = mkdtempSync(join(tmpdir(), 'pipewatch-exporter-'));
      const ownerPassword = await postgres.createOwnedDatabase('airflow');
      const exporterPassword = randomBytes(12).toString('hex');
      await postgres.runAsAdmin([`CREATE ROLE ${EXPORTER_ROLE} LOGIN PASSWORD '${exporterPassword}'`, `ALTER ROLE ${EXPORTER_ROLE} SET default_transaction_read_only = on`]);
      const started = Date.now();
      await migrate(airflow, secretsDir, `postgresql+psycopg2://airflow:${ownerPassword}@127.0.0.1:${postgres.port}/airflow`);
      const migrateSeconds = (Date.now() - started) / 1000;
      const owner = new Pool({ host: '127.0.0.1', port: postgres.port, user: 'airflow', database: 'airflow', password: ownerPassword, max: 1 });
      // The idle connection breaks when a test pauses the server; the pool opens a new one.
      owner.on('error', () => undefined);
      for (const grant of EXPORTER_GRANTS) await owner.query(grant);
      await owner.query("INSERT INTO dag_bundle (name, active) VALUES ('dags-folder', true)");
      return new AirflowMetadataDb(postgres, owner, secretsDir, exporterPassword, migrateSeconds);
    } catch (error) {
      await postgres.destroy();
      throw error;
    }
  }

  /** A password file for the exporter's role, as a mounted secret (trailing newline included). */
  passwordFile(content = `${this.exporterPassword}\n`): string {
    const path = join(this.secretsDir, `password-${randomBytes(4).toString('hex')}`);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  /** The exporter's environment for its read-only role. */
  exporterEnv(passwordFile = this.passwordFile()): Record<string, string> {
    return { PGHOST: '127.0.0.1', PGPORT: String(this.postgres.port), PGUSER: EXPORTER_ROLE, PGDATABASE: 'airflow', PGPASSWORD_FILE: passwordFile };
  }

  async addDag(dagId: string, options: { paused?: boolean; stale?: boolean } = {}): Promise<void> {
    await this.owner.query(
      `INSERT INTO dag (dag_id, is_paused, is_stale, bundle_name, max_active_tasks, max_consecutive_failed_dag_runs, has_task_concurrency_limits)
       VALUES ($1, $2, $3, 'dags-folder', 16, 0, false)`,
      [dagId, options.paused ?? false, options.stale ?? false],
    );
  }

  /** A DAG run; timestamps are ISO strings written in the test. */
  async addRun(run: { dagId: string; runId: string; state: string; runAfter: string; logicalDate?: string | null; interval?: [string, string] | null; endDate?: string }): Promise<void> {
    await this.owner.query(
      `INSERT INTO dag_run (dag_id, run_id, run_type, state, run_after, logical_date, data_interval_start, data_interval_end, start_date, end_date)
       VALUES ($1, $2, 'scheduled', $3, $4, $5, $6, $7, $4, $8)`,
      [run.dagId, run.runId, run.state, run.runAfter, run.logicalDate ?? null, run.interval?.[0] ?? null, run.interval?.[1] ?? null, run.endDate ?? null],
    );
  }

  async addTask(task: { dagId: string; runId: string; taskId: string; state: string; startDate: string | null; mapIndex?: number }): Promise<void> {
    await this.owner.query(
      `INSERT INTO task_instance (id, dag_id, run_id, task_id, map_index, state, start_date, pool, pool_slots, try_number)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'default_pool', 1, 1)`,
      [task.dagId, task.runId, task.taskId, task.mapIndex ?? -1, task.state, task.startDate],
    );
  }

  async setRunState(dagId: string, runId: string, state: string): Promise<void> {
    await this.owner.query('UPDATE dag_run SET state = $3 WHERE dag_id = $1 AND run_id = $2', [dagId, runId, state]);
  }

  async stop(): Promise<void> {
    await this.owner.end().catch(() => undefined);
    await this.postgres.destroy();
    rmSync(this.secretsDir, { recursive: true, force: true });
  }
}

async function migrate(airflow: string, dir: string, conn: string): Promise<void> {
  const home = join(dir, 'airflow-home');
  try {
    await run(airflow, ['db', 'migrate'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', AIRFLOW_HOME: home, AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: conn, AIRFLOW__CORE__LOAD_EXAMPLES: 'False' },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`airflow db migrate failed: ${message}\n${(stdout ?? '').slice(-3000)}${(stderr ?? '').slice(-3000)}`);
  }
}

