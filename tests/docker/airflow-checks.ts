/**
 * The docker tier's checks against the deployed Airflow (constructs/airflow on the tier's image), used by
 * tests/docker/check.ts. Each talks to the Airflow REST API published on 127.0.0.1 as the generated
 * admin user, and to Prometheus and the webhook recorder of tests/docker/tier-app.ts.
 */
import { execFileSync } from 'child_process';
import { instantQuery } from '../live/harness/prometheus';
import { waitFor } from '../live/harness/wait';

type Json = Record<string, any>;

export interface AirflowApi {
  readonly url: string;
  readonly password: string;
}

/** POST /auth/token (FAB auth manager): the HTTP status and, on success, the access token. */
async function token(api: AirflowApi, password: string): Promise<{ status: number; token?: string }> {
  const response = await fetch(`${api.url}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const body = await response.text();
  return { status: response.status, token: response.ok ? (JSON.parse(body).access_token as string) : undefined };
}

async function call(api: AirflowApi, bearer: string, method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${api.url}/api/v2${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /api/v2${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** The admin password opens the API; a wrong one is refused with 401. Returns a bearer token. */
export async function login(api: AirflowApi): Promise<{ bearer: string; summary: string }> {
  const right = await token(api, api.password);
  if (!right.token) throw new Error(`the generated admin password was refused: HTTP ${right.status}`);
  const wrong = await token(api, `${api.password}-wrong`);
  if (wrong.status !== 401) throw new Error(`a wrong admin password got HTTP ${wrong.status}, expected 401`);
  return { bearer: right.token, summary: `admin + generated password -> HTTP ${right.status} with a token; wrong password -> HTTP 401` };
}

/** Every example DAG parsed, none with an import error; returns their ids. */
export async function parsed(api: AirflowApi, bearer: string, dagIds: readonly string[], timeoutMs: number): Promise<string> {
  let seen: string[] = [];
  await waitFor(
    `the DAGs ${dagIds.join(' ')} are parsed`,
    async () => {
      seen = ((await call(api, bearer, 'GET', '/dags?limit=100')).dags as Json[]).map((d) => d.dag_id as string);
      return dagIds.every((id) => seen.includes(id));
    },
    { timeoutMs, intervalMs: 3000 },
  ).catch(() => {
    throw new Error(`not parsed within ${timeoutMs / 1000}s: ${dagIds.filter((id) => !seen.includes(id)).join(' ')} (parsed: ${seen.join(' ') || 'none'})`);
  });
  const errors = await call(api, bearer, 'GET', '/importErrors');
  if (errors.total_entries !== 0) throw new Error(`import errors: ${JSON.stringify(errors.import_errors).slice(0, 500)}`);
  return `${seen.length} DAGs parsed (${seen.sort().join(' ')}), 0 import errors`;
}

/** Triggers a run of `dagId` now and waits for it to finish; returns the run. */
async function runOnce(api: AirflowApi, bearer: string, dagId: string, timeoutMs: number): Promise<Json> {
  const run = await call(api, bearer, 'POST', `/dags/${dagId}/dagRuns`, { logical_date: null, note: 'docker tier' });
  return waitFor(
    `run ${run.dag_run_id} of ${dagId} finishes`,
    async () => {
      const now = await call(api, bearer, 'GET', `/dags/${dagId}/dagRuns/${encodeURIComponent(run.dag_run_id)}`);
      return ['success', 'failed'].includes(now.state) && now;
    },
    { timeoutMs, intervalMs: 3000 },
  );
}

/** The hostname of a running container (what Airflow records as a task instance's hostname). */
const containerHostname = (container: string) => execFileSync('docker', ['inspect', '-f', '{{.Config.Hostname}}', container], { encoding: 'utf8' }).trim();

/**
 * Runs each DAG once: every run succeeds and every task instance ran on the Celery worker container
 * (its hostname is the worker's), so the tasks went through the executor and Redis to the worker.
 */
export async function runs(api: AirflowApi, bearer: string, dagIds: readonly string[], worker: string, timeoutMs: number): Promise<string> {
  const hostname = containerHostname(worker);
  const finished = await Promise.all(dagIds.map((id) => runOnce(api, bearer, id, timeoutMs)));
  const lines: string[] = [];
  for (const run of finished) {
    const tasks = (await call(api, bearer, 'GET', `/dags/${run.dag_id}/dagRuns/${encodeURIComponent(run.dag_run_id)}/taskInstances`)).task_instances as Json[];
    if (run.state !== 'success') throw new Error(`${run.dag_id} run ${run.dag_run_id} ended ${run.state}: ${tasks.map((t) => `${t.task_id}=${t.state}`).join(' ')}`);
    const elsewhere = tasks.filter((t) => t.hostname !== hostname || t.executor === 'LocalExecutor');
    if (tasks.length === 0 || elsewhere.length > 0) {
      throw new Error(`${run.dag_id}: tasks not run on the worker (hostname ${hostname}): ${elsewhere.map((t) => `${t.task_id}@${t.hostname}`).join(' ') || 'no task instances'}`);
    }
    lines.push(`${run.dag_id}: ${tasks.length} tasks success on ${hostname}`);
  }
  return `${lines.join('; ')} (the ${worker} container's hostname)`;
}

/** Series of `metric` for `dagId` that Prometheus scraped from `job`. */
async function series(prometheus: string, metric: string, dagId: string, job: string) {
  return instantQuery(prometheus, `${metric}{dag_id="${dagId}", job="${job}"}`);
}

/** StatsD from the real runs, through statsd-exporter, in Prometheus. */
export async function statsd(prometheus: string, dagIds: readonly string[], job: string, timeoutMs: number): Promise<string> {
  const metric = 'airflow_dagrun_duration_count';
  const found = await waitFor(
    `${metric} of ${dagIds.join(' ')} scraped from ${job}`,
    async () => {
      const all = await Promise.all(dagIds.map(async (id) => ((await series(prometheus, metric, id, job))[0]?.value ?? 0) > 0 && id));
      return all.every(Boolean) && all;
    },
    { timeoutMs, intervalMs: 5000 },
  );
  return `${metric}{job="${job}"} > 0 for ${found.join(' ')}`;
}

/** The metadata exporter's run-state families for the example DAGs, in Prometheus. */
export async function exporterState(prometheus: string, dagIds: readonly string[], job: string, timeoutMs: number): Promise<string> {
  const families = ['pipewatch_dag_runs_finished_total', 'pipewatch_dag_last_success_interval_end_seconds', 'pipewatch_dag_last_run_failed'];
  let missing: string[] = [];
  await waitFor(
    `the exporter's run state of ${dagIds.join(' ')}`,
    async () => {
      missing = [];
      for (const family of families) for (const id of dagIds) if ((await series(prometheus, family, id, job)).length === 0) missing.push(`${family}{dag_id="${id}"}`);
      return missing.length === 0;
    },
    { timeoutMs, intervalMs: 5000 },
  ).catch(() => {
    throw new Error(`not within ${timeoutMs / 1000}s: ${missing.join(' ')}`);
  });
  return `${families.join(', ')} present for ${dagIds.join(' ')} (job ${job})`;
}

/** What the webhook recorder of tests/docker/tier-app.ts got: one entry per alert per notification. */
export interface Received {
  readonly alertname: string;
  readonly dag_id?: string;
  readonly status: string;
}

/**
 * Lists `dagId` in the example DAGs' failure switch (the Airflow Variable pipewatch_fail_dags), runs it,
 * and waits for `alert` for that dag_id at the webhook. Returns the run's end -> notification time.
 */
export async function failure(
  api: AirflowApi,
  bearer: string,
  dagId: string,
  sink: string,
  alert: string,
  timeoutMs: number,
): Promise<string> {
  const forDag = async () => ((await (await fetch(`${sink}?labels`)).json()) as Received[]).filter((r) => r.alertname === alert && r.dag_id === dagId && r.status === 'firing');
  if ((await forDag()).length > 0) throw new Error(`${alert} for ${dagId} reached the webhook before the DAG was made to fail`);
  await call(api, bearer, 'POST', '/variables', { key: 'pipewatch_fail_dags', value: dagId });
  try {
    const run = await runOnce(api, bearer, dagId, timeoutMs);
    if (run.state !== 'failed') throw new Error(`${dagId} run ${run.dag_run_id} ended ${run.state} with the failure switch on`);
    const ended = Date.parse(run.end_date);
    await waitFor(`${alert} for ${dagId} reaches the webhook`, async () => (await forDag()).length > 0, { timeoutMs, intervalMs: 2000 });
    return `${dagId} run failed in Airflow; ${alert}{dag_id="${dagId}"} at the webhook ${Math.round((Date.now() - ended) / 1000)}s after the run ended`;
  } finally {
    await call(api, bearer, 'DELETE', '/variables/pipewatch_fail_dags').catch(() => undefined);
  }
}
