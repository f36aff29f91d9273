/**
 * The exporter against Airflow 3.1.8's real metadata schema (created by
 * `airflow db migrate` in a throwaway PostgreSQL), read through the
 * read-only role docs/airflow-exporter.md describes. Rows are hand-written
 * scenarios; every expected value is written here by hand (Unix seconds
 * computed with `date -ud <time> +%s`).
 */
import { createExporter, Exporter } from '../../airflow-exporter/src/app';
import { loadConfig } from '../../airflow-exporter/src/config';
import { AirflowDatabase } from '../../airflow-exporter/src/database';
import { createLogger } from '../../service-kit/log';
import { AirflowMetadataDb } from './support/airflow-metadata';
import { seriesLines, valueOf } from './support/exposition';

const T = {
  '2025-12-31T23:00Z': '2025-12-31T23:00:00Z',
  '00:00': '2026-01-01T00:00:00Z',
  '01:00': '2026-01-01T01:00:00Z',
  '02:00': '2026-01-01T02:00:00Z',
  '03:00': '2026-01-01T03:00:00Z',
  '04:00': '2026-01-01T04:00:00Z',
};

describe('GIVEN the Airflow exporter reading Airflow 3.1.8 metadata through its read-only role', () => {
  let db: AirflowMetadataDb;
  let exporter: Exporter | undefined;
  const logLines: string[] = [];

  const startExporter = async (extraEnv: Record<string, string> = {}): Promise<Exporter> => {
    const config = loadConfig({ ...db.exporterEnv(), BIND_ADDRESS: '127.0.0.1', PORT: '0', CACHE_SECONDS: '0', QUERY_TIMEOUT_SECONDS: '3', ...extraEnv });
    const started = createExporter(config, createLogger({ level: 'debug', write: (line) => logLines.push(line) }));
    await started.start();
    return started;
  };
  const get = async (path: string) => {
    const response = await fetch(`http://${exporter!.address}${path}`);
    return { status: response.status, body: await response.text() };
  };
  const metrics = async () => {
    const { status, body } = await get('/metrics');
    expect(status).toBe(200);
    return body;
  };

  beforeAll(async () => {
    db = await AirflowMetadataDb.start();
    process.stdout.write(`airflow db migrate (Airflow 3.1.8 schema) took ${db.migrateSeconds.toFixed(1)}s\n`);

    // Hourly ETL: two successes, a backfill of an older interval that failed last (by wall clock),
    // the next interval still running and the one after queued.
    await db.addDag('example_etl');
    await db.addRun({ dagId: 'example_etl', runId: 'scheduled__00', state: 'success', runAfter: T['01:00'], logicalDate: T['00:00'], interval: [T['00:00'], T['01:00']], endDate: '2026-01-01T01:05:00Z' });
    await db.addRun({ dagId: 'example_etl', runId: 'scheduled__01', state: 'success', runAfter: T['02:00'], logicalDate: T['01:00'], interval: [T['01:00'], T['02:00']], endDate: '2026-01-01T02:05:00Z' });
    await db.addRun({ dagId: 'example_etl', runId: 'backfill__23', state: 'failed', runAfter: '2026-01-01T03:10:00Z', logicalDate: T['2025-12-31T23:00Z'], interval: [T['2025-12-31T23:00Z'], T['00:00']], endDate: '2026-01-01T03:30:00Z' });
    await db.addRun({ dagId: 'example_etl', runId: 'scheduled__02', state: 'running', runAfter: T['03:00'], logicalDate: T['02:00'], interval: [T['02:00'], T['03:00']] });
    await db.addRun({ dagId: 'example_etl', runId: 'scheduled__03', state: 'queued', runAfter: T['04:00'], logicalDate: T['03:00'], interval: [T['03:00'], T['04:00']] });
    await db.addTask({ dagId: 'example_etl', runId: 'scheduled__02', taskId: 'extract', state: 'success', startDate: '2026-01-01T03:00:10Z' });
    await db.addTask({ dagId: 'example_etl', runId: 'scheduled__02', taskId: 'staging.transform', state: 'running', startDate: '2026-01-01T03:01:30Z' });
    // A mapped task: two instances running, the earliest start counts.
    await db.addTask({ dagId: 'example_etl', runId: 'scheduled__02', taskId: 'load', state: 'running', startDate: '2026-01-01T03:02:00Z', mapIndex: 0 });
    await db.addTask({ dagId: 'example_etl', runId: 'scheduled__02', taskId: 'load', state: 'running', startDate: '2026-01-01T03:01:45Z', mapIndex: 1 });
    await db.addTask({ dagId: 'example_etl', runId: 'scheduled__02', taskId: 'publish', state: 'scheduled', startDate: null });

    // A dotted dag_id: a success, then a failure of the next interval.
    await db.addDag('team.pipeline');
    await db.addRun({ dagId: 'team.pipeline', runId: 'scheduled__05', state: 'success', runAfter: '2026-01-01T06:00:00Z', logicalDate: '2026-01-01T05:00:00Z', interval: ['2026-01-01T05:00:00Z', '2026-01-01T06:00:00Z'], endDate: '2026-01-01T06:10:00Z' });
    await db.addRun({ dagId: 'team.pipeline', runId: 'scheduled__06', state: 'failed', runAfter: '2026-01-01T07:00:00Z', logicalDate: '2026-01-01T06:00:00Z', interval: ['2026-01-01T06:00:00Z', '2026-01-01T07:00:00Z'], endDate: '2026-01-01T07:10:00Z' });

    // Paused, never ran.
    await db.addDag('ml_pipeline', { paused: true });

    // Airflow 3 manual run: no logical date, no data interval; run_after is the key.
    await db.addDag('manual_only');
    await db.addRun({ dagId: 'manual_only', runId: 'manual__1', state: 'success', runAfter: '2026-01-02T10:00:00Z', logicalDate: null, interval: null, endDate: '2026-01-02T10:30:15Z' });

    // Its file was removed: the dag-processor marked it stale.
    await db.addDag('removed_dag', { stale: true });
    await db.addRun({ dagId: 'removed_dag', runId: 'scheduled__00', state: 'failed', runAfter: T['01:00'], logicalDate: T['00:00'], interval: [T['00:00'], T['01:00']], endDate: T['01:00'] });

    exporter = await startExporter();
  }, 120_000);

  afterAll(async () => {
    await exporter?.stop();
    await db?.stop();
  }, 60_000);

  test('WHEN scraped THEN the last success is the data interval end of the latest successful run, although a later interval is still running', async () => {
    const text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_last_success_interval_end_seconds', { dag_id: 'example_etl' })).toBe(1767232800); // 2026-01-01T02:00:00Z
    expect(valueOf(text, 'pipewatch_dag_runs_active', { dag_id: 'example_etl', state: 'running' })).toBe(1);
    expect(valueOf(text, 'pipewatch_dag_runs_active', { dag_id: 'example_etl', state: 'queued' })).toBe(1);
  });

  test('WHEN a backfill of an older interval fails after newer intervals succeeded THEN the last finished run by data interval is the success and last_run_failed stays 0', async () => {
    const text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_last_run_failed', { dag_id: 'example_etl' })).toBe(0);
    expect(valueOf(text, 'pipewatch_dag_last_finished_interval_end_seconds', { dag_id: 'example_etl' })).toBe(1767232800);
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'example_etl', state: 'success' })).toBe(2);
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'example_etl', state: 'failed' })).toBe(1);
  });

  test('WHEN a manual run has neither data interval nor logical date THEN its run_after is the interval end', async () => {
    const text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_last_success_interval_end_seconds', { dag_id: 'manual_only' })).toBe(1767348000); // 2026-01-02T10:00:00Z, not the end date
  });

  test('WHEN tasks run THEN the earliest start per (dag_id, task_id) is published, mapped instances collapsed, a TaskGroup task id whole, other states left out', async () => {
    const text = await metrics();
    expect(seriesLines(text, 'pipewatch_task_running_since_seconds')).toEqual([
      'pipewatch_task_running_since_seconds{dag_id="example_etl",task_id="load"} 1767236505', // 03:01:45
      'pipewatch_task_running_since_seconds{dag_id="example_etl",task_id="staging.transform"} 1767236490', // 03:01:30, a task inside a TaskGroup
    ]);
  });

  test('WHEN a DAG has no runs THEN both finished counters and both active gauges are present at 0, last_run_failed is 0 and there is no last success', async () => {
    const text = await metrics();
    expect(seriesLines(text, 'pipewatch_dag_').filter((l) => l.includes('dag_id="ml_pipeline"'))).toEqual([
      'pipewatch_dag_last_run_failed{dag_id="ml_pipeline"} 0',
      'pipewatch_dag_paused{dag_id="ml_pipeline"} 1',
      'pipewatch_dag_runs_active{dag_id="ml_pipeline",state="queued"} 0',
      'pipewatch_dag_runs_active{dag_id="ml_pipeline",state="running"} 0',
      'pipewatch_dag_runs_finished_total{dag_id="ml_pipeline",state="failed"} 0',
      'pipewatch_dag_runs_finished_total{dag_id="ml_pipeline",state="success"} 0',
    ]);
    expect(valueOf(text, 'pipewatch_dag_paused', { dag_id: 'example_etl' })).toBe(0);
  });

  test('WHEN a DAG is marked stale THEN none of its series is published', async () => {
    expect(await metrics()).not.toContain('removed_dag');
  });

  test('WHEN a dotted dag_id succeeded and then failed THEN it comes through whole with last_run_failed 1, and a later success clears it', async () => {
    let text = await metrics();
    expect(seriesLines(text, 'pipewatch_dag_').filter((l) => l.includes('team'))).toEqual([
      'pipewatch_dag_last_finished_interval_end_seconds{dag_id="team.pipeline"} 1767250800', // 07:00
      'pipewatch_dag_last_run_failed{dag_id="team.pipeline"} 1',
      'pipewatch_dag_last_success_interval_end_seconds{dag_id="team.pipeline"} 1767247200', // 06:00
      'pipewatch_dag_paused{dag_id="team.pipeline"} 0',
      'pipewatch_dag_runs_active{dag_id="team.pipeline",state="queued"} 0',
      'pipewatch_dag_runs_active{dag_id="team.pipeline",state="running"} 0',
      'pipewatch_dag_runs_finished_total{dag_id="team.pipeline",state="failed"} 1',
      'pipewatch_dag_runs_finished_total{dag_id="team.pipeline",state="success"} 1',
    ]);

    await db.addRun({ dagId: 'team.pipeline', runId: 'scheduled__07', state: 'running', runAfter: '2026-01-01T08:00:00Z', logicalDate: '2026-01-01T07:00:00Z', interval: ['2026-01-01T07:00:00Z', '2026-01-01T08:00:00Z'] });
    text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_last_run_failed', { dag_id: 'team.pipeline' })).toBe(1); // a running run resolves nothing

    await db.setRunState('team.pipeline', 'scheduled__07', 'success');
    text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_last_run_failed', { dag_id: 'team.pipeline' })).toBe(0);
    expect(valueOf(text, 'pipewatch_dag_last_success_interval_end_seconds', { dag_id: 'team.pipeline' })).toBe(1767254400); // 08:00
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'team.pipeline', state: 'success' })).toBe(2);
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'team.pipeline', state: 'failed' })).toBe(1);
  });

  test('WHEN the exporter is stopped and a new instance starts THEN it publishes identical values', async () => {
    const before = await metrics();
    await exporter!.stop();
    exporter = await startExporter();
    const after = await metrics();
    const durable = (text: string) => [...seriesLines(text, 'pipewatch_dag_'), ...seriesLines(text, 'pipewatch_task_')];
    // 8 series each for example_etl, team.pipeline and manual_only, 6 for ml_pipeline (no runs), 2 running tasks.
    expect(durable(before).length).toBe(32);
    expect(durable(after)).toEqual(durable(before));
    expect(valueOf(after, 'pipewatch_airflow_db_up')).toBe(1);
  });

  test('WHEN the database goes away THEN /metrics still answers with db_up 0 and no DAG families, /readyz is 503, /healthz 200; WHEN it is back THEN all return', async () => {
    await db.postgres.pause();
    try {
      const text = await metrics();
      expect(valueOf(text, 'pipewatch_airflow_db_up')).toBe(0);
      expect(valueOf(text, 'pipewatch_airflow_db_query_duration_seconds')).toBeGreaterThanOrEqual(0);
      expect(seriesLines(text, 'pipewatch_dag_')).toEqual([]);
      expect((await get('/readyz')).status).toBe(503);
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      await db.postgres.resume();
    }
    expect((await get('/readyz')).status).toBe(200);
    const text = await metrics();
    expect(valueOf(text, 'pipewatch_airflow_db_up')).toBe(1);
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'example_etl', state: 'success' })).toBe(2);
    expect(logLines.map((l) => JSON.parse(l).msg)).toContain('Airflow metadata database query failed');
  });

  test('WHEN scrapes arrive together within the cache window THEN one collection answers them all', async () => {
    const database = new AirflowDatabase({ settings: loadConfig(db.exporterEnv()).database, queryTimeoutMs: 3_000, cacheMs: 2_000, log: createLogger({ level: 'error', write: () => undefined }) });
    try {
      const [a, b] = await Promise.all([database.collect(), database.collect()]);
      expect(a.ok).toBe(true);
      expect(b).toBe(a);
      expect(await database.collect()).toBe(a);
    } finally {
      await database.close();
    }
  });

  // Documented limit (docs/airflow-exporter.md): the counts are the runs in each state now, so an operator
  // clearing a finished run takes it out of its count; Prometheus reads the decrease as a counter reset.
  test('WHEN an operator clears a failed run THEN it leaves the failed count until it finishes again', async () => {
    await db.addDag('cleared_dag');
    await db.addRun({ dagId: 'cleared_dag', runId: 'scheduled__00', state: 'success', runAfter: T['01:00'], logicalDate: T['00:00'], interval: [T['00:00'], T['01:00']], endDate: '2026-01-01T01:05:00Z' });
    await db.addRun({ dagId: 'cleared_dag', runId: 'scheduled__01', state: 'failed', runAfter: T['02:00'], logicalDate: T['01:00'], interval: [T['01:00'], T['02:00']], endDate: '2026-01-01T02:05:00Z' });
    let text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'cleared_dag', state: 'failed' })).toBe(1);
    expect(valueOf(text, 'pipewatch_dag_last_run_failed', { dag_id: 'cleared_dag' })).toBe(1);

    await db.setRunState('cleared_dag', 'scheduled__01', 'queued');
    text = await metrics();
    expect(valueOf(text, 'pipewatch_dag_runs_finished_total', { dag_id: 'cleared_dag', state: 'failed' })).toBe(0);
    expect(valueOf(text, 'pipewatch_dag_last_run_failed', { dag_id: 'cleared_dag' })).toBe(0); // the last finished run is the 01:00 success again
    expect(valueOf(text, 'pipewatch_dag_runs_active', { dag_id: 'cleared_dag', state: 'queued' })).toBe(1);
  });

  test('THEN no log line carries the password', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(db.exporterPassword);
  });
});
