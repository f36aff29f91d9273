import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { promisify } from 'util';
import { airflowEnv, AirflowSecrets, secretFiles } from '../../../constructs/airflow/settings';
import { SECRETS_DIR } from '../../../constructs/core/secrets';
import { ThrowawayPostgres } from '../../metrics-app/support/postgres';
import { getJson, isOk } from './http';
import { freePorts } from './ports';
import { ManagedProcess, onProcessExit } from './processes';
import { REPO_ROOT } from './tools';

const run = promisify(execFile);

/** The DAG folder the stack's Airflow mounts. */
export const DAGS_DIR = join(REPO_ROOT, 'airflow/dags');

export interface LiveAirflowOptions {
  readonly venv: string;
  readonly dir: string;
  /** statsd_exporter's UDP port on 127.0.0.1. */
  readonly statsdPort: number;
  /** PIPEWATCH_DATA_DIR for the DAGs. */
  readonly dataDir: string;
  /** OTLP/HTTP port on 127.0.0.1 for Airflow's traces. @default - traces off */
  readonly otlpTracesPort?: number;
  /** Slots of `default_pool`; few slots make tasks wait for one (pool.starving_tasks). @default 128 (Airflow's) */
  readonly defaultPoolSlots?: number;
}

/**
 * Airflow's four long-running components (api-server, scheduler,
 * dag-processor, triggerer) as local processes on loopback, configured with
 * the environment the stack gives its Airflow containers
 * (constructs/airflow/settings.ts), StatsD included. What differs, and why:
 * - LocalExecutor instead of CeleryExecutor: no broker or worker to run; a
 *   single executor's metrics carry the same names whichever it is.
 * - Airflow's default (simple) auth manager: the FAB provider is not part of
 *   the pinned install, and nothing here logs in.
 * - Secrets are files in `dir/secrets` instead of /run/secrets.
 * - The log servers are off (--skip-serve-logs): they listen on every
 *   interface, and the api-server reads task logs from the shared home.
 * The metadata database is a throwaway PostgreSQL, as in the stack.
 */
export class LiveAirflow {
  readonly apiUrl: string;
  private readonly processes: ManagedProcess[];

  private constructor(
    private readonly options: LiveAirflowOptions,
    private readonly postgres: ThrowawayPostgres,
    private readonly exitHook: { remove(): void },
    readonly env: Readonly<Record<string, string>>,
    apiPort: number,
    healthPort: number,
  ) {
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    const component = (name: string, args: string[], ready: () => Promise<boolean>) =>
      new ManagedProcess({
        name: `airflow ${name}`,
        command: join(options.venv, 'bin/airflow'),
        args,
        env,
        cwd: options.dir,
        logFile: join(options.dir, `${name}.log`),
        ready,
        readyTimeoutMs: 120_000,
      });
    const started = () => Promise.resolve(true);
    this.processes = [
      component('api-server', ['api-server', '--host', '127.0.0.1', '--port', String(apiPort), '--workers', '1'], () => isOk(`${this.apiUrl}/api/v2/monitor/health`)),
      component('scheduler', ['scheduler', '--skip-serve-logs'], () => isOk(`http://127.0.0.1:${healthPort}/health`)),
      component('dag-processor', ['dag-processor'], started),
      component('triggerer', ['triggerer', '--skip-serve-logs'], started),
    ];
  }

  /** Creates the database and the home, migrates the schema; nothing runs yet. */
  static async prepare(options: LiveAirflowOptions): Promise<LiveAirflow> {
    const postgres = await ThrowawayPostgres.start();
    const exitHook = onProcessExit(() => stopPostgresNow(postgres));
    try {
      const [apiPort, healthPort] = await freePorts(2);
      const secrets = await createDatabase(postgres);
      const env = airflowProcessEnv(options, secrets, apiPort, healthPort);
      const airflow = new LiveAirflow(options, postgres, exitHook, env, apiPort, healthPort);
      await airflow.cli(['db', 'migrate'], 300_000);
      return airflow;
    } catch (error) {
      exitHook.remove();
      await postgres.destroy();
      throw error;
    }
  }

  /** Starts every component and waits until the api-server reports all of them healthy. */
  async start(): Promise<void> {
    for (const p of this.processes) await p.start();
    const health = async () => {
      const body = await getJson<Record<string, { status?: string }>>(`${this.apiUrl}/api/v2/monitor/health`);
      return ['metadatabase', 'scheduler', 'dag_processor', 'triggerer'].every((c) => body[c]?.status === 'healthy');
    };
    const deadline = Date.now() + 120_000;
    while (!(await health().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`Airflow components did not all report healthy within 120s:\n${this.logTails()}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  /** One `airflow …` command with the components' environment; its output. */
  async cli(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    try {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', ...this.env };
      const { stdout } = await run(join(this.options.venv, 'bin/airflow'), [...args], { env, cwd: this.options.dir, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`airflow ${args.join(' ')} failed: ${message}\n${(stdout ?? '').slice(-4000)}${(stderr ?? '').slice(-4000)}`);
    }
  }

  /** The end of every component's log, for failure messages. */
  logTails(lines = 30): string {
    return this.processes.map((p) => `--- ${p.spec.name} ---\n${p.logTail(lines)}`).join('\n');
  }

  async stop(): Promise<void> {
    for (const p of [...this.processes].reverse()) await p.stop(20_000);
    await this.postgres.destroy();
    this.exitHook.remove();
  }
}

/** pg_ctl starts PostgreSQL in a session of its own: if the test process dies, stop it by its pid (synchronously). */
function stopPostgresNow(postgres: ThrowawayPostgres): void {
  const pidFile = join(dirname(postgres.passwordFile), 'data', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
  } catch {
    // Already gone.
  }
}

/** The `airflow` role and database, as the stack's Postgres construct creates them; returns the secrets Airflow reads. */
async function createDatabase(postgres: ThrowawayPostgres): Promise<AirflowSecrets> {
  const password = await postgres.createOwnedDatabase('airflow');
  const random = () => randomBytes(24).toString('base64url');
  return {
    sqlAlchemyConn: `postgresql+psycopg2://airflow:${password}@127.0.0.1:${postgres.port}/airflow`,
    // Read only by the CeleryExecutor, which does not run here.
    celeryResultBackend: 'db+postgresql://unused',
    celeryBrokerUrl: 'redis://unused',
    fernetKey: randomBytes(32).toString('base64url') + '=',
    apiSecretKey: random(),
    jwtSecret: random(),
  };
}

function airflowProcessEnv(options: LiveAirflowOptions, secrets: AirflowSecrets, apiPort: number, healthPort: number): Record<string, string> {
  const secretsDir = join(options.dir, 'secrets');
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  for (const file of secretFiles(secrets)) writeFileSync(file.path.replace(SECRETS_DIR, secretsDir), file.content, { mode: 0o600 });
  const stack = airflowEnv({
    statsdHost: '127.0.0.1',
    statsdPort: options.statsdPort,
    apiServerUrl: `http://127.0.0.1:${apiPort}`,
    pauseDagsAtCreation: false,
    ...(options.otlpTracesPort ? { traces: { host: '127.0.0.1', port: options.otlpTracesPort } } : {}),
  });
  const relocated = Object.fromEntries(Object.entries(stack).map(([key, value]) => [key, key.endsWith('_CMD') ? value.replace(SECRETS_DIR, secretsDir) : value]));
  delete relocated.AIRFLOW__CORE__AUTH_MANAGER;
  const home = join(options.dir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    ...relocated,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: DAGS_DIR,
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__DEFAULT_POOL_TASK_SLOT_COUNT: String(options.defaultPoolSlots ?? 128),
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST: '127.0.0.1',
    AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT: String(healthPort),
    // The DAG files are already there: list the folder often so they are parsed within seconds.
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: '5',
    PIPEWATCH_DATA_DIR: options.dataDir,
    PYTHONUNBUFFERED: '1',
  };
}
