/**
 * The docker tier's checks against a deployed environment, run by scripts/docker-tier/run.sh:
 *   npx ts-node --transpile-only tests/docker/check.ts <check> [--option value ...]
 * Prints one line saying what it found; exits 1 with the reason when the check fails.
 *
 *   targets   --prometheus URL --config cdk.tf.json --deployed "service ..." [--timeout-s 120]
 *             every deployed scrape target up, every left-out one down
 *   alert     --sink URL --alert NAME [--timeout-s 120]
 *             the webhook recorder of tests/docker/tier-app.ts received NAME
 *   scenario  --simulator URL --sink URL --dag DAG_ID --kind KIND --alert NAME [--timeout-s 240]
 *             a simulator scenario makes NAME for DAG_ID reach the recorder; the scenario is removed afterwards
 *   series    --prometheus URL --expr PROMQL [--expr PROMQL ...] [--timeout-s 120]
 *             every expression returns at least one sample
 *   sample    --prometheus URL --at UNIX_SECONDS
 *             Prometheus answers its own `up` sample at that time (its TSDB holds it)
 *   replaces  --plan plan.json --address REGEX [--address REGEX ...]
 *             the plan (`terraform show -json`) replaces exactly one resource per REGEX and changes nothing else
 *   shipped   --sink-container NAME --service NAME --contains TEXT [--timeout-s 120]
 *             the OTLP sink container of tests/docker/tier-app.ts received, through the deployed log
 *             shipper, a line of container NAME (resource service.name) containing TEXT
 *   trace     --via CONTAINER --jaeger URL --environment ENV [--timeout-s 60]
 *             one OTLP span, sent from CONTAINER (node's fetch, on the stack network) to the deployed
 *             collector's OTLP/HTTP receiver, is found through Jaeger's query API (/api/traces?service=...)
 *             with its name, its attribute and the collector's deployment.environment
 *   airflow-api      --api URL --password-file FILE --dags "DAG_ID ..." [--timeout-s 180]
 *             the generated admin password opens the API, a wrong one is refused; the DAGs parsed, 0 import errors
 *   airflow-runs     --api URL --password-file FILE --dags "DAG_ID ..." --worker CONTAINER --prometheus URL [--timeout-s 300]
 *             one run of each DAG succeeds with every task on the Celery worker; their StatsD and the
 *             metadata exporter's run state reach Prometheus
 *   airflow-failure  --api URL --password-file FILE --dag DAG_ID --sink URL --alert NAME [--timeout-s 300]
 *             the DAG made to fail by its switch raises NAME for that dag_id at the webhook recorder
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { dirname } from 'path';
import { parseArgs } from 'util';
import { getJson, sendJson } from '../live/harness/http';
import { activeTargets, instantQuery } from '../live/harness/prometheus';
import { parseFileExporterOutput } from '../live/harness/otel-collector';
import { waitFor } from '../live/harness/wait';
import { SINK_RECEIVED_FILE } from './tier-app-names';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { JaegerTrace, otlpBody, ProbeSpan, probeProblems } from './trace-checks';
import { AirflowApi, Received, exporterState, failure, login, parsed, runs, statsd } from './airflow-checks';
import { notDeployed, plannedChanges, replacesOnly, targetProblems } from './tier-checks';

type Options = Readonly<Record<string, string | readonly string[] | undefined>>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string') throw new Error(`--${name} is required, once`);
  return value;
}

const seconds = (options: Options, fallback: number) => 1000 * Number(options['timeout-s'] ?? fallback);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

async function targets(options: Options): Promise<string> {
  const prometheus = required(options, 'prometheus');
  const config = required(options, 'config');
  const leftOut = notDeployed(readJson(config), dirname(config), required(options, 'deployed').split(' ').filter(Boolean));
  let problems: string[] = ['Prometheus did not answer'];
  const up = await waitFor(
    'every deployed scrape target is up and every left-out one down',
    async () => {
      const all = await activeTargets(prometheus);
      problems = targetProblems(all, leftOut);
      return problems.length === 0 && all.filter((t) => t.health === 'up').map((t) => t.job);
    },
    { timeoutMs: seconds(options, 120), intervalMs: 5000 },
  ).catch(() => {
    throw new Error(`not within ${seconds(options, 120) / 1000}s: ${problems.join(', ')}`);
  });
  return `up: ${up.join(' ')}${leftOut.length > 0 ? `; down as expected (not deployed): ${leftOut.join(' ')}` : '; every scraped host deployed'}`;
}

/**
 * Waits until the recorder lists `alert` (for `dagId`, when given: other pipelines fail on their own);
 * returns the distinct alert names it got.
 */
async function received(sink: string, alert: string, timeoutMs: number, dagId?: string): Promise<string[]> {
  let got: Received[] = [];
  await waitFor(
    `${alert}${dagId ? ` for ${dagId}` : ''} reaches the webhook recorder`,
    async () => {
      got = await getJson<Received[]>(`${sink}?labels`);
      return got.some((r) => r.alertname === alert && (dagId === undefined || (r.dag_id === dagId && r.status === 'firing')));
    },
    { timeoutMs, intervalMs: 5000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message} (received: ${got.length ? [...new Set(got.map((r) => r.alertname))].join(' ') : 'nothing'})`);
  });
  return [...new Set(got.map((r) => r.alertname))];
}

async function alert(options: Options): Promise<string> {
  return (await received(required(options, 'sink'), required(options, 'alert'), seconds(options, 120))).join(' ');
}

async function scenario(options: Options): Promise<string> {
  const simulator = required(options, 'simulator');
  const dagId = required(options, 'dag');
  const name = required(options, 'alert');
  const started = Date.now();
  await sendJson('POST', `${simulator}/scenarios`, { dagId, kind: required(options, 'kind') });
  try {
    await received(required(options, 'sink'), name, seconds(options, 240), dagId);
  } finally {
    await sendJson('DELETE', `${simulator}/scenarios/${dagId}`).catch(() => undefined);
  }
  return `${name} for ${dagId} at the webhook ${Math.round((Date.now() - started) / 1000)}s after the scenario`;
}

async function series(options: Options): Promise<string> {
  const prometheus = required(options, 'prometheus');
  const exprs = [options.expr ?? []].flat();
  if (exprs.length === 0) throw new Error('--expr is required (once per expression that must return samples)');
  let empty: string[] = exprs;
  const found = await waitFor(
    'every expression returns samples',
    async () => {
      const answers = await Promise.all(exprs.map(async (expr) => ({ expr, samples: await instantQuery(prometheus, expr) })));
      empty = answers.filter((a) => a.samples.length === 0).map((a) => a.expr);
      return empty.length === 0 && answers;
    },
    { timeoutMs: seconds(options, 120), intervalMs: 5000 },
  ).catch(() => {
    throw new Error(`not within ${seconds(options, 120) / 1000}s, no samples for: ${empty.join(' ; ')}`);
  });
  return found.map((a) => `${a.expr} = ${a.samples.map((x) => x.value).join(',')}`).join('; ');
}

async function sample(options: Options): Promise<string> {
  const at = Number(required(options, 'at'));
  const samples = await instantQuery(required(options, 'prometheus'), 'up{job="prometheus"}', at);
  if (samples.length !== 1) throw new Error(`expected Prometheus's own up sample at ${at}, got ${samples.length} samples`);
  return `Prometheus answers its up sample at ${at}`;
}

async function replaces(options: Options): Promise<string> {
  const changes = plannedChanges(readJson(required(options, 'plan')));
  const addresses = [options.address ?? []].flat().map((a) => new RegExp(a));
  if (addresses.length === 0) throw new Error('--address is required (once per resource the plan must replace)');
  if (!replacesOnly(changes, addresses)) throw new Error(`the plan should replace ${addresses.join(' and ')} only; it changes: ${changes.join(' ') || 'nothing'}`);
  return changes.join(' ');
}

async function shipped(options: Options): Promise<string> {
  const container = required(options, 'sink-container');
  const service = required(options, 'service');
  const text = required(options, 'contains');
  const read = () => parseFileExporterOutput(execFileSync('docker', ['exec', container, 'cat', SINK_RECEIVED_FILE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const line = await waitFor(`a line of ${service} containing "${text}" reaches ${container}`, async () => read().find((l) => l.resource['service.name'] === service && l.body.includes(text)), {
    timeoutMs: Number(options['timeout-s'] ?? '120') * 1000,
    intervalMs: 2000,
  });
  return `${service} → ${container}: "${line.body.slice(0, 100)}" with ${JSON.stringify(line.resource)}`;
}

/** Run by node in a container: posts argv[2] as JSON to argv[1]; exits 0 on a 2xx answer, else prints why. */
const POST_JSON = [
  "fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: process.argv[2] })",
  "  .then(async (r) => { const text = await r.text(); if (!r.ok) { console.log(r.status + ' ' + text); process.exit(1); } },",
  "        (e) => { console.log(e.message); process.exit(1); });",
].join('\n');

async function trace(options: Options): Promise<string> {
  const via = required(options, 'via');
  const environment = required(options, 'environment');
  const traceId = randomBytes(16);
  traceId[0] |= 0x10; // a first digit of 0 would not survive Jaeger's id formatting
  const span: ProbeSpan = { service: 'pipewatch-tier-probe', name: 'tier.probe', traceId: traceId.toString('hex'), spanId: randomBytes(8).toString('hex'), probeId: randomBytes(6).toString('hex') };
  const collector = `http://${SERVICE_NAMES.otelCollector}:${SERVICE_PORTS.otlpHttp}/v1/traces`;
  try {
    execFileSync('docker', ['exec', via, 'node', '-e', POST_JSON, collector, JSON.stringify(otlpBody(span, Date.now()))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`the collector at ${collector} refused the span (sent from ${via}): ${stdout ?? ''}${stderr ?? ''}`.trim());
  }
  const params = new URLSearchParams({ service: span.service, lookback: '1h', limit: '20' });
  const url = `${required(options, 'jaeger')}/api/traces?${params}`;
  let problems: string[] = ['Jaeger did not answer'];
  await waitFor(
    `span ${span.spanId} of trace ${span.traceId} in Jaeger`,
    async () => {
      // An unknown service is an error answer, not an empty list: keep waiting.
      const answer = await fetch(url);
      if (!answer.ok) {
        problems = [`${url} answered ${answer.status}`];
        return false;
      }
      problems = probeProblems(((await answer.json()) as { data: JaegerTrace[] | null }).data ?? [], span, environment);
      return problems.length === 0;
    },
    { timeoutMs: seconds(options, 60), intervalMs: 1000 },
  ).catch(() => {
    throw new Error(`not within ${seconds(options, 60) / 1000}s: ${problems.join('; ')}`);
  });
  return `span ${span.name} (trace ${span.traceId}) sent from ${via} to ${collector} found in Jaeger's API with ${span.service}, probe.id and deployment.environment=${environment}`;
}

const airflowApi = (options: Options): AirflowApi => ({ url: required(options, 'api'), password: readFileSync(required(options, 'password-file'), 'utf8').trim() });
const dagList = (options: Options) => required(options, 'dags').split(' ').filter(Boolean);

async function airflowApiCheck(options: Options): Promise<string> {
  const api = airflowApi(options);
  const { bearer, summary } = await login(api);
  return `${summary}; ${await parsed(api, bearer, dagList(options), seconds(options, 180))}`;
}

async function airflowRuns(options: Options): Promise<string> {
  const api = airflowApi(options);
  const { bearer } = await login(api);
  const dags = dagList(options);
  const prometheus = required(options, 'prometheus');
  const ran = await runs(api, bearer, dags, required(options, 'worker'), seconds(options, 300));
  const [fromStatsd, fromExporter] = await Promise.all([statsd(prometheus, dags, 'statsd-exporter', 120_000), exporterState(prometheus, dags, 'airflow-exporter', 120_000)]);
  return `${ran}\n  statsd: ${fromStatsd}\n  exporter: ${fromExporter}`;
}

async function airflowFailure(options: Options): Promise<string> {
  const api = airflowApi(options);
  const { bearer } = await login(api);
  return failure(api, bearer, required(options, 'dag'), required(options, 'sink'), required(options, 'alert'), seconds(options, 300));
}

const CHECKS: Readonly<Record<string, (options: Options) => Promise<string>>> = {
  targets,
  alert,
  scenario,
  series,
  sample,
  replaces,
  shipped,
  trace,
  'airflow-api': airflowApiCheck,
  'airflow-runs': airflowRuns,
  'airflow-failure': airflowFailure,
};

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: Object.fromEntries(
      [
        ...['prometheus', 'config', 'deployed', 'timeout-s', 'sink', 'alert', 'simulator', 'dag', 'kind', 'at', 'plan', 'sink-container', 'service', 'contains', 'api', 'password-file', 'dags', 'worker', 'via', 'jaeger', 'environment'].map((o) => [o, { type: 'string' as const }]),
        // A plan may have to replace several resources: one --address each.
        ['address', { type: 'string' as const, multiple: true }],
        ['expr', { type: 'string' as const, multiple: true }],
      ],
    ),
  });
  const check = CHECKS[positionals[0] ?? ''];
  if (!check) throw new Error(`unknown check "${positionals[0] ?? ''}"; one of: ${Object.keys(CHECKS).join(', ')}`);
  console.log(await check(values as Options));
}

main().catch((error: Error) => {
  console.log(error.message);
  process.exit(1);
});
