/**
 * The metric names the alerts and dashboards read, proven against real
 * Airflow: Airflow 3.1.8 runs the example DAGs with the stack's StatsD
 * settings into statsd_exporter with the stack's mapping, Prometheus scrapes
 * the exporter, and every Airflow and pipeline family the generated rules and
 * dashboards use must have series there, with the labels they use.
 */
import { execFile } from 'child_process';
import { mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { toYaml } from '../../content/yaml';
import { SERVICE_NAMES } from '../../content/endpoints';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { DAGS_DIR, LiveAirflow } from '../live/harness/airflow';
import { getText, sampleSum } from '../live/harness/http';
import { ManagedProcess } from '../live/harness/processes';
import { freePorts, freeUdpPort } from '../live/harness/ports';
import { LivePrometheus, Sample } from '../live/harness/prometheus';
import { LiveStatsdExporter } from '../live/harness/statsd-exporter';
import { LiveJaeger, LiveTraceCollector, tagOf } from '../live/harness/jaeger';
import { AIRFLOW_TRACES_SERVICE, RUN_SPAN_ATTRIBUTES } from '../../content/traces/airflow-spans';
import { TRACE_ID_PATTERN } from '../../content/grafana/datasources';
import { liveTools } from '../live/harness/tools';
import { testTool } from '../support/tools';
import { sleep, waitFor } from '../live/harness/wait';
import { makeTempDir, removeDir } from '../live/harness/workspace';
import { sampleValue } from '../metrics-app/support/exposition';
import { compareWithApi, DagComparison, startAirflowExporter, triggerRun } from './airflow-exporter-check';
import { AIRFLOW_SERIES_SELECTOR, mismatches, SeenFamily, seenFamilies, specDomains, waitingFor } from './live-families';
import { servedFamilies } from './exporter-families';
import { AIRFLOW_STATE_SOURCES, airflowFamiliesUsedByMonitoring } from './monitoring-usage';
import { formatReport } from './report';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);
/** The example DAG whose id has a dot (airflow/dags/finance_daily_revenue.py). */
const DOTTED = 'finance.daily_revenue';

const run = promisify(execFile);

/** The last family to appear is ml_pipeline's failed run, after its two retries two minutes apart. */
const WAIT_FOR_FAMILIES_MS = 9 * 60_000;
const SCRAPE_INTERVAL = '5s';

const say = (text: string) => process.stdout.write(`${text}\n`);

describe('GIVEN Airflow 3.1.8 running the example DAGs with StatsD into statsd_exporter (stack mapping), scraped by Prometheus, and traces through an OpenTelemetry Collector into Jaeger', () => {
  const used = airflowFamiliesUsedByMonitoring(EXAMPLE_PIPELINES);
  const domains = specDomains(EXAMPLE_PIPELINES);
  let dir: string;
  let statsd: LiveStatsdExporter | undefined;
  let jaeger: LiveJaeger | undefined;
  let traceCollector: LiveTraceCollector | undefined;
  let prometheus: LivePrometheus | undefined;
  let airflow: LiveAirflow | undefined;
  let airflowExporter: ManagedProcess | undefined;
  let airflowExporterUrl: string | undefined;
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;

  beforeAll(async () => {
    const tools = liveTools();
    const venv = testTool('airflow_venv');
    dir = makeTempDir('airflow');
    const [statsdWeb, prometheusPort] = await freePorts(2);
    const statsdUdp = await freeUdpPort();
    statsd = await LiveStatsdExporter.start(tools.statsdExporter, dir, statsdUdp, statsdWeb);
    jaeger = await LiveJaeger.start(testTool('jaeger'), dir);
    traceCollector = await LiveTraceCollector.start(tools.otelcol, dir, jaeger);
    prometheus = await LivePrometheus.start({
      binary: tools.prometheus,
      dir: join(dir, 'prometheus'),
      port: prometheusPort,
      config: () =>
        toYaml({
          global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
          scrape_configs: [{ job_name: SERVICE_NAMES.statsdExporter, static_configs: [{ targets: [`127.0.0.1:${statsdWeb}`] }] }],
        }),
      ruleFiles: [],
    });
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    await run(join(venv, 'bin/python'), [join(__dirname, 'seed_data.py'), DAGS_DIR], { env: { PATH: process.env.PATH ?? '', PIPEWATCH_DATA_DIR: dataDir }, timeout: 120_000 });
    // Two slots for five DAGs starting together: tasks wait for a slot, so Airflow reports pool.starving_tasks.
    airflow = await LiveAirflow.prepare({ venv, dir: join(dir, 'airflow'), statsdPort: statsdUdp, otlpTracesPort: traceCollector.otlpHttpPort, dataDir, defaultPoolSlots: 2 });
    say(`[${elapsed()}] Airflow database migrated; starting api-server, scheduler, dag-processor, triggerer`);
    await airflow.start();
    say(`[${elapsed()}] Airflow is up; the DAGs are unpaused at creation and their latest scheduled runs start`);
  }, 6 * 60_000);

  afterAll(async () => {
    await airflowExporter?.stop();
    await airflow?.stop();
    await prometheus?.process.stop();
    await statsd?.process.stop();
    await traceCollector?.process.stop();
    await jaeger?.process.stop();
    if (dir) removeDir(dir);
  }, 120_000);

  async function scrapeErrors(): Promise<string[]> {
    return (await prometheus!.targets()).filter((t) => t.health !== 'up').map((t) => `scrape of ${t.job} is ${t.health}: ${t.lastError.slice(0, 600)}`);
  }

  async function seenNow(): Promise<SeenFamily[]> {
    return seenFamilies(await prometheus!.query(AIRFLOW_SERIES_SELECTOR));
  }

  test('WHEN the runs finish THEN every Airflow and pipeline family the alerts and dashboards use has series with the labels they use', async () => {
    expect(used.length).toBeGreaterThanOrEqual(20);
    const deadline = Date.now() + WAIT_FOR_FAMILIES_MS;
    let seen = await seenNow();
    let lastStatus = '';
    for (;;) {
      const waiting = waitingFor(used, seen, domains).join(', ');
      if (!waiting || Date.now() > deadline) break;
      // A failed scrape (statsd_exporter answering 500) would otherwise only show as families missing.
      const status = [...(await scrapeErrors()), `waiting for: ${waiting}`].join('\n');
      if (status !== lastStatus) say(`[${elapsed()}] ${status}`);
      lastStatus = status;
      await sleep(5_000);
      seen = await seenNow();
    }
    const problems = mismatches(used, seen, domains);
    say(`[${elapsed()}] ${problems.length === 0 ? 'every used family is there' : 'gave up waiting'}\n`);
    say(formatReport(seen, used, problems));
    if (problems.length > 0) say(airflow!.logTails(15));
    expect(await scrapeErrors()).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("WHEN the airflow exporter reads Airflow's metadata database THEN each example DAG's last success interval end, last-run-failed flag and finished-run counts equal what the REST API reports", async () => {
    const exporter = await startAirflowExporter(airflow!, dir);
    airflowExporter = exporter.process;
    airflowExporterUrl = exporter.url;
    const dagIds = EXAMPLE_PIPELINES.map((p) => p.dagId);
    // Runs may still change state between the two reads: compare until they agree or a minute has passed.
    const deadline = Date.now() + 60_000;
    let comparison: DagComparison[];
    for (;;) {
      comparison = await compareWithApi(airflow!, exporter.url, dagIds);
      if (comparison.every((c) => JSON.stringify(c.api) === JSON.stringify(c.exporter)) || Date.now() > deadline) break;
      await sleep(2_000);
    }
    say(`[${elapsed()}] airflow exporter vs REST API:\n${comparison.map((c) => `  ${c.dagId}: api ${JSON.stringify(c.api)} exporter ${JSON.stringify(c.exporter)}`).join('\n')}`);
    expect(comparison.reduce((n, c) => n + c.api.success + c.api.failed, 0)).toBeGreaterThan(0);
    expect(comparison.map((c) => ({ dagId: c.dagId, ...c.exporter }))).toEqual(comparison.map((c) => ({ dagId: c.dagId, ...c.api })));
  });

  test('THEN every run-state family the alerts and dashboards read is served by the airflow exporter, with the labels they use', async () => {
    const usedState = airflowFamiliesUsedByMonitoring(EXAMPLE_PIPELINES, AIRFLOW_STATE_SOURCES);
    const served = servedFamilies(await getText(`${airflowExporterUrl!}/metrics`), usedState);
    say(`[${elapsed()}] run-state families the monitoring reads, as the airflow exporter serves them:\n${served.map((f) => `  ${f.name}: ${f.samples} sample(s)${f.missingLabels.length ? `, missing labels ${f.missingLabels.join(', ')}` : ''}`).join('\n')}`);
    expect(usedState.length).toBeGreaterThanOrEqual(5);
    // Every family is declared; each has samples now, except running tasks once every run has finished.
    expect(served.filter((f) => !f.declared).map((f) => f.name)).toEqual([]);
    expect(served.filter((f) => f.samples === 0 && f.name !== 'pipewatch_task_running_since_seconds').map((f) => f.name)).toEqual([]);
    expect(served.filter((f) => f.missingLabels.length > 0)).toEqual([]);
  });

  test(`THEN the dotted ${DOTTED} has its run duration, task, data-quality and run-state series under dag_id="${DOTTED}", and no series of a split id`, async () => {
    const selector = `{__name__=~"airflow_dagrun_duration_count|airflow_ti_finish|airflow_task_duration_count|pipewatch_dq_checks_(passed|failed)_total|pipewatch_dq_completeness_ratio", dag_id="${DOTTED}"}`;
    const deadline = Date.now() + 3 * 60_000;
    let samples = await prometheus!.query(selector);
    const dqFamilies = (s: readonly Sample[]) => s.filter((x) => /^pipewatch_dq_checks_/.test(x.metric.__name__));
    const complete = (s: readonly Sample[]) => ['airflow_dagrun_duration_count', 'airflow_ti_finish', 'airflow_task_duration_count', 'pipewatch_dq_completeness_ratio'].every((n) => s.some((x) => x.metric.__name__ === n)) && dqFamilies(s).length > 0;
    while (!complete(samples) && Date.now() < deadline) {
      await sleep(5_000);
      samples = await prometheus!.query(selector);
    }
    const names = [...new Set(samples.map((x) => x.metric.__name__))].sort();
    say(`[${elapsed()}] series with dag_id="${DOTTED}": ${names.join(', ')}`);
    const taskIds = (name: string) => [...new Set(samples.filter((x) => x.metric.__name__ === name).map((x) => x.metric.task_id))].sort();
    expect(samples.find((x) => x.metric.__name__ === 'airflow_dagrun_duration_count')?.value).toBeGreaterThanOrEqual(1);
    expect(taskIds('airflow_ti_finish')).toEqual(['check_orders', 'sum_revenue']);
    expect(taskIds('airflow_task_duration_count')).toEqual(['check_orders', 'sum_revenue']);
    expect(dqFamilies(samples).map((x) => x.metric.check)).toEqual(['orders_priced']);
    expect(samples.find((x) => x.metric.__name__ === 'pipewatch_dq_completeness_ratio')?.metric.dataset).toBe('warehouse_orders');
    say(`PASS run duration, task and data-quality series carry dag_id="${DOTTED}"`);

    const state = await getText(`${airflowExporterUrl!}/metrics`);
    expect(sampleValue(state, 'pipewatch_dag_runs_finished_total', { dag_id: DOTTED, state: 'success' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(state, 'pipewatch_dag_last_success_interval_end_seconds', { dag_id: DOTTED })).toBeGreaterThan(0);
    expect(sampleValue(state, 'pipewatch_dag_last_run_failed', { dag_id: DOTTED })).toBe(0);
    say(`PASS run-state series carry dag_id="${DOTTED}"`);

    // A split id would show as dag_id "finance", or, where the legacy dotted line were not dropped, under
    // statsd_exporter's default name for it (Airflow's other legacy lines, which no family reads, keep theirs).
    expect(await prometheus!.query('{__name__=~"airflow_.+|pipewatch_.+", dag_id="finance"}')).toEqual([]);
    const legacyDefaultNames = [
      'airflow_dagrun_duration_success_finance_daily_revenue',
      'airflow_dagrun_schedule_delay_finance_daily_revenue',
      'airflow_dagrun_dependency_check_finance_daily_revenue',
      'airflow_dag_finance_daily_revenue_check_orders_duration',
      'airflow_dag_finance_daily_revenue_sum_revenue_duration',
      'airflow_ti_finish_finance_daily_revenue_check_orders_success',
      'airflow_ti_finish_finance_daily_revenue_sum_revenue_success',
    ];
    expect((await prometheus!.query(`{__name__=~"(${legacyDefaultNames.join('|')})(_sum|_count)?"}`)).map((x) => x.metric.__name__)).toEqual([]);
    say(`PASS no series of a split ${DOTTED}`);
  });

  test('THEN example_etl\'s scheduled run is one trace in Jaeger: the run span, its task spans and, under each, the ETL step spans with their row counts and file sizes', async () => {
    const wanted = ['example_etl', 'extract', 'transform', 'load', 'etl.extract', 'etl.validate', 'etl.transform', 'etl.write'];
    const spans = await waitFor(
      'a trace of example_etl with every task and step span in Jaeger',
      async () => [...(await jaeger!.traces(AIRFLOW_TRACES_SERVICE, 'example_etl')).values()].find((s) => wanted.every((n) => s.some((x) => x.operationName === n))),
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    const byName = new Map(spans.map((s) => [s.operationName, s]));
    const parentOf = (name: string) => spans.find((s) => s.spanID === byName.get(name)!.references.find((r) => r.refType === 'CHILD_OF')?.spanID)?.operationName;
    say(`[${elapsed()}] trace ${spans[0].traceID}: ${spans.map((s) => `${s.operationName}${parentOf(s.operationName) ? ` < ${parentOf(s.operationName)}` : ''}`).join(', ')}`);
    // Airflow 3.1.8 links each try span to the run span (Jaeger shows the link as FOLLOWS_FROM), in the run's trace.
    const referenced = (name: string) => byName.get(name)!.references.map((r) => [r.refType, spans.find((s) => s.spanID === r.spanID)?.operationName]);
    expect(['extract', 'transform', 'load'].map((n) => [n, referenced(n)])).toEqual(['extract', 'transform', 'load'].map((n) => [n, [['FOLLOWS_FROM', 'example_etl']]]));
    expect(['extract', 'transform', 'load'].map((n) => tagOf(byName.get(n)!, 'airflow.task.task_id'))).toEqual(['extract', 'transform', 'load']);
    // Pipeline Detail's run-to-trace link searches on these two attributes of the run span.
    const runSpan = byName.get('example_etl')!;
    expect(tagOf(runSpan, RUN_SPAN_ATTRIBUTES.dagId)).toBe('example_etl');
    expect(String(tagOf(runSpan, RUN_SPAN_ATTRIBUTES.runId))).toMatch(/^scheduled__/);
    // The ETL steps log their trace id; the Loki datasource's derived field (TRACE_ID_PATTERN) makes it a link to this trace.
    const runId = String(tagOf(runSpan, RUN_SPAN_ATTRIBUTES.runId));
    const loadLog = readFileSync(join(dir, 'airflow/home/logs', 'dag_id=example_etl', `run_id=${runId}`, 'task_id=load', 'attempt=1.log'), 'utf8');
    const linked = loadLog.split('\n').map((line) => new RegExp(TRACE_ID_PATTERN).exec(line)?.[1]).filter((id) => id !== undefined);
    expect(linked.length).toBeGreaterThanOrEqual(1);
    expect(new Set(linked)).toEqual(new Set([spans[0].traceID.padStart(32, '0')]));
    say(`PASS run span carries ${RUN_SPAN_ATTRIBUTES.dagId} and ${RUN_SPAN_ATTRIBUTES.runId}=${runId}; the load task's log lines carry its trace id`);
    expect(new Set(spans.map((s) => s.traceID)).size).toBe(1);
    expect(wanted.slice(4).map((n) => [n, parentOf(n)])).toEqual([
      ['etl.extract', 'extract'],
      ['etl.validate', 'transform'],
      ['etl.transform', 'transform'],
      ['etl.write', 'load'],
    ]);
    // The demo source's hour: 200 orders, one with an unparseable amount.
    expect(tagOf(byName.get('etl.extract')!, 'etl.orders.rows')).toBe(200);
    expect([tagOf(byName.get('etl.validate')!, 'etl.orders.rows'), tagOf(byName.get('etl.validate')!, 'etl.orders.rejected')]).toEqual([199, 1]);
    expect(tagOf(byName.get('etl.write')!, 'etl.orders.rows')).toBe(199);
    expect(tagOf(byName.get('etl.write')!, 'etl.orders.bytes')).toBeGreaterThan(1000);
    say('PASS example_etl run trace in Jaeger: run span, task spans, ETL step spans under their tasks with rows and bytes');
  });

  test('WHEN example_etl is run with the fail_step switch on write THEN Jaeger shows the write step span in error, with the exception as an event', async () => {
    await triggerRun(airflow!, 'example_etl', { fail_step: 'write' });
    const failed = await waitFor(
      'an etl.write span in error in Jaeger',
      async () => [...(await jaeger!.traces(AIRFLOW_TRACES_SERVICE, 'etl.write')).values()].flat().find((s) => s.operationName === 'etl.write' && tagOf(s, 'error') === true),
      { timeoutMs: 180_000, intervalMs: 2_000 },
    );
    const exception = failed.logs.map((l) => Object.fromEntries(l.fields.map((f) => [f.key, f.value]))).find((f) => f.event === 'exception');
    say(`[${elapsed()}] failed span: ${JSON.stringify({ status: tagOf(failed, 'otel.status_description'), exception: exception?.['exception.type'] })}`);
    expect(tagOf(failed, 'otel.status_code')).toBe('ERROR');
    expect(exception?.['exception.type']).toBe('pipewatch.etl.StepFailedOnPurpose');
    expect(String(exception?.['exception.message'])).toContain('fail_step=write');
    say('PASS failing ETL step shows as an error span with its exception event in Jaeger');
  });

  test('THEN statsd_exporter saw no two Airflow lines claim one metric name with different types', async () => {
    const exposition = await getText(`http://127.0.0.1:${statsd!.webPort}/metrics`);
    expect(sampleSum(exposition, 'statsd_exporter_events_total')).toBeGreaterThan(0);
    expect(sampleSum(exposition, 'statsd_exporter_events_conflict_total')).toBe(0);
  });
});
