/**
 * The Airflow exporter (airflow-exporter/) against the live Airflow's metadata
 * database: what it publishes is compared with the DAG runs Airflow's own
 * REST API reports.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { LiveAirflow } from '../live/harness/airflow';
import { getText, isOk } from '../live/harness/http';
import { freePort } from '../live/harness/ports';
import { ManagedProcess } from '../live/harness/processes';
import { REPO_ROOT } from '../live/harness/tools';

/** The exporter as its own process, connected the way the harness connects Airflow (its sql_alchemy_conn secret). */
export async function startAirflowExporter(airflow: LiveAirflow, dir: string): Promise<{ process: ManagedProcess; url: string }> {
  const command = airflow.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD ?? '';
  const secretPath = /^cat (.+)$/.exec(command)?.[1];
  if (!secretPath) throw new Error(`the harness gives Airflow no AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD of the form "cat <file>" (got "${command}")`);
  const conn = new URL(readFileSync(secretPath, 'utf8').trim().replace(/^postgresql\+psycopg2:/, 'postgresql:'));
  const passwordFile = join(dir, 'airflow-exporter-password');
  writeFileSync(passwordFile, `${decodeURIComponent(conn.password)}\n`, { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = new ManagedProcess({
    name: 'airflow-exporter',
    command: globalThis.process.execPath,
    args: ['-r', 'ts-node/register/transpile-only', 'airflow-exporter/src/main.ts'],
    cwd: REPO_ROOT,
    env: {
      BIND_ADDRESS: '127.0.0.1',
      PORT: String(port),
      PGHOST: conn.hostname,
      PGPORT: conn.port,
      PGUSER: decodeURIComponent(conn.username),
      PGDATABASE: conn.pathname.slice(1),
      PGPASSWORD_FILE: passwordFile,
      // Every comparison reads the database afresh.
      CACHE_SECONDS: '0',
    },
    logFile: join(dir, 'airflow-exporter.log'),
    ready: () => isOk(`${url}/readyz`),
    readyTimeoutMs: 30_000,
  });
  await process.start();
  return { process, url };
}

interface ApiRun {
  readonly state: string;
  readonly data_interval_end: string | null;
  readonly logical_date: string | null;
  readonly run_after: string;
}

/** A token for the simple auth manager's generated admin user (the harness runs Airflow's default auth manager). */
export async function apiToken(airflow: LiveAirflow): Promise<string> {
  const passwords = JSON.parse(readFileSync(join(airflow.env.AIRFLOW_HOME, 'simple_auth_manager_passwords.json.generated'), 'utf8')) as Record<string, string>;
  const response = await fetch(`${airflow.apiUrl}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: passwords.admin }) });
  if (!response.ok) throw new Error(`POST /auth/token answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function apiRuns(airflow: LiveAirflow, token: string, dagId: string): Promise<ApiRun[]> {
  const response = await fetch(`${airflow.apiUrl}/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns?limit=100`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET dagRuns of ${dagId} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { dag_runs: ApiRun[]; total_entries: number };
  if (body.total_entries > body.dag_runs.length) throw new Error(`${dagId} has ${body.total_entries} runs; page through them`);
  return body.dag_runs;
}

export interface DagComparison {
  readonly dagId: string;
  /** From the REST API: the latest successful run's data interval end (else logical date, else run_after), Unix seconds. */
  readonly api: { readonly lastSuccess?: number; readonly lastRunFailed: number; readonly success: number; readonly failed: number };
  readonly exporter: { readonly lastSuccess?: number; readonly lastRunFailed?: number; readonly success?: number; readonly failed?: number };
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Reads Airflow's REST API and the exporter for each DAG, API first. */
export async function compareWithApi(airflow: LiveAirflow, exporterUrl: string, dagIds: readonly string[]): Promise<DagComparison[]> {
  const token = await apiToken(airflow);
  const api = await Promise.all(dagIds.map((dagId) => apiRuns(airflow, token, dagId)));
  const exposition = await getText(`${exporterUrl}/metrics`);
  return dagIds.map((dagId, i) => {
    const place = (r: ApiRun) => seconds(r.data_interval_end ?? r.logical_date ?? r.run_after);
    const successes = api[i].filter((r) => r.state === 'success').map(place);
    const latestFinished = api[i].filter((r) => r.state === 'success' || r.state === 'failed').sort((a, b) => place(b) - place(a))[0];
    return {
      dagId,
      api: {
        ...(successes.length ? { lastSuccess: Math.max(...successes) } : {}),
        lastRunFailed: latestFinished?.state === 'failed' ? 1 : 0,
        success: successes.length,
        failed: api[i].filter((r) => r.state === 'failed').length,
      },
      exporter: {
        ...optional('lastSuccess', sample(exposition, 'pipewatch_dag_last_success_interval_end_seconds', `dag_id="${dagId}"`)),
        ...optional('lastRunFailed', sample(exposition, 'pipewatch_dag_last_run_failed', `dag_id="${dagId}"`)),
        ...optional('success', sample(exposition, 'pipewatch_dag_runs_finished_total', `dag_id="${dagId}",state="success"`)),
        ...optional('failed', sample(exposition, 'pipewatch_dag_runs_finished_total', `dag_id="${dagId}",state="failed"`)),
      },
    };
  });
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** The value of `name{labels}` written exactly so (prom-client's label order), or undefined. */
function sample(exposition: string, name: string, labels: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Triggers a manual run of `dagId` with `conf`, as a user would in the UI. */
export async function triggerRun(airflow: LiveAirflow, dagId: string, conf: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${airflow.apiUrl}/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await apiToken(airflow)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ logical_date: null, conf }),
  });
  if (!response.ok) throw new Error(`POST /api/v2/dags/${dagId}/dagRuns answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { dag_run_id: string }).dag_run_id;
}
